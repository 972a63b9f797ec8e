using System.Diagnostics;
using System.Globalization;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Cli.Local;
using ClusterTune.Kubernetes;
using ClusterTune.Operator;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace ClusterTune.Cli.Commands;

/// <summary>
/// `ctune run job.yaml`: starts local mode (embedded API server, process node agent, operator), applies the job,
/// prints progress until the sweep ends, then the best trial and its promoted checkpoint.
/// </summary>
internal static class RunCommand
{
    public const string Usage = """
        usage: ctune run <job.yaml> [--work-dir DIR] [--cache-dir DIR] [--cpus N] [--keep] [--resume] [--timeout DURATION] [--verbose]
          --work-dir   where the local cluster keeps its state, pod sandboxes and checkpoints (default $CT_CACHE/runs/<job>)
          --cache-dir  what /var/cache/clustertune means inside local trials (default $CT_CACHE or ~/.cache/clustertune)
          --cpus       CPU capacity of the local node (default: this machine's cores)
          --keep       keep the API server up after the sweep (kubectl get finetunejobs,trials,pods works; Ctrl-C ends)
          --resume     continue the sweep stored in the work directory (after Ctrl-C or a crash) instead of starting afresh
          --timeout    give up after this long, reading the job file included (Go duration, default 30m); job files over 3 MiB or with YAML aliases are refused
        """;

    /// <summary>Runs the command; returns the process exit code (0 sweep succeeded, 1 sweep failed, 2 bad input).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct)
    {
        string? file = null, workDir = null, cacheDir = null;
        var keep = false;
        var resume = false;
        var verbose = false;
        var cpus = Environment.ProcessorCount;
        var timeout = TimeSpan.FromMinutes(30);
        for (var i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                switch (args[i])
                {
                    case "--work-dir":
                        workDir = Next();
                        break;
                    case "--cache-dir":
                        cacheDir = Next();
                        break;
                    case "--cpus":
                        cpus = int.Parse(Next(), CultureInfo.InvariantCulture);
                        break;
                    case "--keep":
                        keep = true;
                        break;
                    case "--resume":
                        resume = true;
                        break;
                    case "--verbose":
                        verbose = true;
                        break;
                    case "--timeout":
                        timeout = Api.GoDuration.Parse(Next());
                        break;
                    case var a when a.StartsWith('-'):
                        throw new ArgumentException($"unknown flag {a}");
                    default:
                        file = file is null ? args[i] : throw new ArgumentException($"one job file, got '{file}' and '{args[i]}'");
                        break;
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                await err.WriteLineAsync($"ctune run: {e.Message}\n{Usage}");
                return 2;
            }
        }

        if (file is null)
        {
            await err.WriteLineAsync(Usage);
            return 2;
        }

        // --timeout bounds the whole run, reading the job file included.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        FineTuneJob job;
        try
        {
            job = await Task.Run(() => JobFile.Load(file), deadline.Token).WaitAsync(deadline.Token);
        }
        catch (FormatException e)
        {
            await err.WriteLineAsync($"ctune run: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await err.WriteLineAsync($"ctune run: reading {file} did not finish within --timeout {Api.GoDuration.Format(timeout)}");
            return 1;
        }

        job.Metadata.NamespaceProperty ??= "default";
        var errors = FineTuneJobValidator.Validate(job);
        if (errors.Count > 0)
        {
            await err.WriteLineAsync($"ctune run: {file} is not a valid FineTuneJob:");
            foreach (var e in errors)
            {
                await err.WriteLineAsync($"  {e}");
            }

            return 2;
        }

        var cache = cacheDir ?? LocalCluster.DefaultCacheDirectory;
        workDir ??= Path.Combine(cache, "runs", job.Metadata.Name!);
        // The API server's state (SQLite), pod sandboxes and checkpoints live in the work directory: a new run starts
        // from nothing, --resume continues what is there (the operator is stateless; pods that were running are
        // failed as NodeRestarted by the node agent and retried from their last checkpoint).
        if (Directory.Exists(workDir) && !resume)
        {
            Directory.Delete(workDir, recursive: true);
        }

        using var loggers = ConsoleLogging.Create(verbose ? LogLevel.Information : LogLevel.Warning);
        var clock = Stopwatch.StartNew();
        await @out.WriteLineAsync($"ctune: local cluster in {workDir} (data and models from {cache})");
        await using var cluster = await LocalCluster.StartAsync(workDir, cache, loggers, cpus, deadline.Token);
        await @out.WriteLineAsync($"ctune: API server {cluster.Server.BaseAddress} (kubeconfig {cluster.KubeconfigPath}); OTLP and /metrics at {cluster.Operator.Address}");
        await @out.WriteLineAsync($"ctune: sweep page {Operator.Web.SweepPage.UrlOf(cluster.Operator.Address!, job.Metadata.NamespaceProperty, job.Metadata.Name!)} (live while the sweep runs)");
        try
        {
            await cluster.Client.CreateAsync(job, deadline.Token);
        }
        catch (HttpOperationException e) when (e.IsAlreadyExists())
        {
            await @out.WriteLineAsync($"ctune: resuming {job.Metadata.Name} from {workDir}");
        }
        catch (HttpOperationException e) when (e.IsInvalid())
        {
            await err.WriteLineAsync($"ctune run: the API server rejected {file}: {e.Describe()}");
            return 2;
        }

        FineTuneJob? final = null;
        try
        {
            final = await FollowAsync(cluster.Client, job.Metadata.Name!, job.Metadata.NamespaceProperty, @out, deadline.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await err.WriteLineAsync($"ctune run: the sweep did not finish within --timeout {Api.GoDuration.Format(timeout)}");
        }
        catch (OperationCanceledException)
        {
            await err.WriteLineAsync($"ctune run: interrupted; the sweep's state is kept in {workDir}: `ctune run {file} --resume` continues it");
            return 130;
        }

        await @out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"ctune: finished in {clock.Elapsed.TotalSeconds:0} s; operator API writes: {cluster.Operator.Writes}"));
        if (final is not null)
        {
            await PrintResultAsync(final, @out);
        }

        if (keep)
        {
            await @out.WriteLineAsync($"ctune: --keep: export KUBECONFIG={cluster.KubeconfigPath}; kubectl get finetunejobs,trials,pods; the sweep page stays up. Ctrl-C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return final?.Status?.Phase == FineTuneJobPhase.Succeeded ? 0 : 1;
    }

    /// <summary>Prints progress whenever the sweep changes, until it is Succeeded or Failed; returns the final job.</summary>
    public static async Task<FineTuneJob> FollowAsync(IKubernetes client, string name, string? ns, TextWriter @out, CancellationToken ct)
    {
        var last = "";
        while (true)
        {
            var job = await client.GetAsync<FineTuneJob>(name, ns, ct);
            var trials = (await client.ListAsync<Trial>(ns, labelSelector: $"{Api.Contract.LabelKeys.Job}={name}", ct: ct)).Items.ToList();
            var table = ProgressTable.Render(job, trials);
            if (table != last)
            {
                await @out.WriteLineAsync(table);
                last = table;
            }
            if (job.Status?.Phase is FineTuneJobPhase.Succeeded or FineTuneJobPhase.Failed
                && (job.Status.Phase == FineTuneJobPhase.Failed || Conditions.Find(job.Status.Conditions, ConditionTypes.CheckpointPromoted) is { Reason: not ConditionReasons.PromotionPending })
                && trials.All(t => t.Status?.Phase is TrialPhase.Succeeded or TrialPhase.Failed or TrialPhase.EarlyStopped or TrialPhase.Paused))
            {
                return job;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static async Task PrintResultAsync(FineTuneJob job, TextWriter @out)
    {
        var s = job.Status!;
        var reason = Conditions.Find(s.Conditions, s.Phase == FineTuneJobPhase.Succeeded ? ConditionTypes.Complete : ConditionTypes.Failed);
        await @out.WriteLineAsync($"sweep {job.Metadata.Name}: {s.Phase} ({reason?.Reason}: {reason?.Message})");
        if (s.BestTrial is { } best)
        {
            await @out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"best trial: {best.Name} {FineTuneJobDefaults.Apply(job.Spec).Objective!.Metric}={best.Objective:0.####} params {string.Join(", ", (best.Params ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}"));
            await @out.WriteLineAsync($"best checkpoint: {best.PromotedUri ?? best.CheckpointUri} (sha256 {best.Sha256 ?? "n/a"})");
        }
    }
}
