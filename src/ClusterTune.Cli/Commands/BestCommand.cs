using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>`ctune best JOB [-o json]`: the best trial's parameters, objective and checkpoints, or why there is none yet.</summary>
internal static class BestCommand
{
    public const string Usage = """
        usage: ctune best JOB [-o text|json] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          the best trial: name, params, objective, checkpoint URI, promoted URI, sha256;
          with spec.objectives also the Pareto front
          -o json   status.bestTrial as JSON (the API's field names)
        exit: 0 ok, 1 JOB not found or no best trial yet, 2 bad usage
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct) =>
        CommandRunner.RunAsync("best", Usage, args, ["-o", "--output"], [], err, async (a, c) =>
        {
            var name = a.Single("JOB");
            var output = a.Value("-o") ?? a.Value("--output") ?? "text";
            if (output is not ("text" or "json"))
            {
                throw new UsageException($"-o must be text or json, got '{output}'");
            }

            var job = await new SweepReader(c.Client, c.Namespace).TryGetJobAsync(name, ct);
            if (job is null)
            {
                await err.WriteLineAsync($"ctune best: FineTuneJob {name} not found in namespace {c.Namespace}; list them with `ctune status -n {c.Namespace}`");
                return 1;
            }

            if (job.Status?.BestTrial is not { } best)
            {
                await err.WriteLineAsync($"ctune best: {NoBestReason(job)}");
                return 1;
            }

            await @out.WriteLineAsync(output == "json" ? JsonSerializer.Serialize(best, ApiJson.Options) : Render(job, best));
            return 0;
        });

    /// <summary>The text view of the best trial.</summary>
    public static string Render(FineTuneJob job, BestTrial best)
    {
        var spec = Text.Defaulted(job.Spec);
        var promotion = Conditions.Find(job.Status?.Conditions, ConditionTypes.CheckpointPromoted);
        var promoted = best.PromotedUri ?? (promotion is null ? "not yet" : $"not yet ({promotion.Reason}: {promotion.Message})");
        var seeds = best.Seeds is { } n
            ? [$"over seeds:  {Text.Number(best.ObjectiveMean)} ± {Text.Number(best.ObjectiveStdDev)} (mean ± sd of {n} seed(s) of these params, algorithm.seedsPerConfig {spec.Algorithm?.SeedsPerConfig})"]
            : Array.Empty<string>();
        return string.Join('\n', [
            $"best trial:  {best.Name}{(best.Index is { } i ? $" (index {i})" : "")}",
            $"objective:   {spec.Objective?.Metric ?? FineTuneJobDefaults.ObjectiveMetric}={Text.Number(best.Objective)} ({spec.Objective?.Direction?.ToString().ToLowerInvariant() ?? "?"})",
            .. seeds,
            $"params:      {Text.Params(best.Params)}",
            $"checkpoint:  {best.CheckpointUri ?? "-"}",
            $"promoted:    {promoted}",
            $"sha256:      {best.Sha256 ?? "-"}",
            .. ParetoLines(job, spec)]);
    }

    /// <summary>With spec.objectives: the Pareto front, one trial per line (the primary objective ranks them).</summary>
    private static IEnumerable<string> ParetoLines(FineTuneJob job, FineTuneJobSpec spec)
    {
        if (job.Status?.ParetoFront is not { Count: > 0 } front || spec.Objectives is not { } objectives)
        {
            yield break;
        }

        var names = string.Join(", ", objectives.Select(o => $"{o.Metric} ({o.Direction?.ToString().ToLowerInvariant()})"));
        yield return $"pareto front: {job.Status.ParetoFrontSize ?? front.Count} trial(s) over {names}";
        foreach (var m in front)
        {
            yield return $"  {m.Name}{(m.Index is { } i ? $" (index {i})" : "")}: {string.Join(", ", objectives.Select(o => $"{o.Metric}={Text.Number(m.Values?.GetValueOrDefault(o.Metric!))}"))}";
        }
    }

    /// <summary>Why a job has no best trial: its phase and trial counts, in words.</summary>
    public static string NoBestReason(FineTuneJob job)
    {
        var s = job.Status;
        var name = job.Metadata.Name;
        if (s is null)
        {
            return $"FineTuneJob {name} has no best trial yet: it has no status (is the operator running?)";
        }

        var t = s.Trials ?? new TrialCounts();
        var counts = $"{t.Succeeded} of {t.Total} trial(s) succeeded ({t.Pending} pending, {t.Running} running, {t.Paused} paused, {t.Failed} failed, {t.EarlyStopped} early-stopped)";
        if (Conditions.Find(s.Conditions, ConditionTypes.Validated) is { Status: ConditionStatus.False })
        {
            return $"FineTuneJob {name} has no best trial: its spec is invalid, so no trial ran; `ctune explain {name}` lists the errors";
        }

        if (s.Phase == FineTuneJobPhase.Failed)
        {
            var failed = Conditions.Find(s.Conditions, ConditionTypes.Failed);
            return $"FineTuneJob {name} failed without a best trial ({failed?.Reason}: {failed?.Message}); {counts}; `ctune explain {name}` says why";
        }
        return $"FineTuneJob {name} has no best trial yet: phase {s.Phase?.ToString() ?? "Pending"}, {counts}; a best trial is chosen when a trial succeeds with a finite objective";
    }
}
