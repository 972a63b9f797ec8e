using ClusterTune.Cli.Local;
using ClusterTune.Cli.Report;
using ClusterTune.Operator.Web;

namespace ClusterTune.Cli.Commands;

/// <summary>`ctune report JOB --out DIR`: the sweep page of a sweep as files (HTML + PNG), from a cluster or a local run's work directory.</summary>
internal static class ReportCommand
{
    public const string Usage = """
        usage: ctune report JOB --out DIR [--work-dir DIR] [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          writes DIR/index.html (the sweep page, opens from disk), DIR/sweep.json and DIR/curves.png, parallel.png,
          importance.png, burndown.png
          --work-dir   read a local run's stored state (the --work-dir of `ctune run`, by default $CT_CACHE/runs/JOB) instead of a cluster
        exit: 0 written, 1 JOB not found or the cluster unreachable, 2 bad usage
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct)
    {
        CommandArgs parsed;
        try
        {
            parsed = CommandArgs.Parse(args, ["--out", "--work-dir"], []);
            parsed.Single("JOB");
            if (parsed.Value("--out") is null)
            {
                throw new UsageException("--out DIR is required (the directory the report is written to)");
            }
        }
        catch (UsageException e)
        {
            await err.WriteLineAsync($"ctune report: {e.Message}\n{Usage}");
            return 2;
        }

        if (parsed.Value("--work-dir") is { } workDir)
        {
            if (!File.Exists(Path.Combine(workDir, "cluster.db")))
            {
                await err.WriteLineAsync($"ctune report: --work-dir {workDir} holds no local run (no cluster.db); pass the --work-dir `ctune run` used");
                return 2;
            }
            await using var stored = await StoredRun.OpenAsync(workDir, ct);
            return await WriteAsync(new ClientSweepSource(stored.Client, parsed.Namespace ?? "default"), parsed.Namespace ?? "default", parsed, @out, err, ct);
        }

        return await CommandRunner.RunAsync("report", Usage, args, ["--out", "--work-dir"], [], err,
            (a, c) => WriteAsync(new ClientSweepSource(c.Client, c.Namespace), c.Namespace, a, @out, err, ct));
    }

    private static async Task<int> WriteAsync(ISweepSource source, string ns, CommandArgs a, TextWriter @out, TextWriter err, CancellationToken ct)
    {
        var name = a.Single("JOB");
        var now = DateTimeOffset.UtcNow;
        if (await SweepPage.DetailAsync(source, ns, name, now, ct) is not { } detail)
        {
            await err.WriteLineAsync($"ctune report: FineTuneJob {name} not found in namespace {ns}; list them with `ctune status -n {ns}`");
            return 1;
        }
        var dir = a.Value("--out")!;
        var files = StaticReport.Write(detail, await SweepPage.ListAsync(source, ct), dir, now);
        await @out.WriteLineAsync($"ctune report: {ns}/{name} ({detail.Summary.Phase}, {detail.Trials.Count} trials) written to {Path.GetFullPath(dir)}: {string.Join(", ", files)}");
        return 0;
    }
}
