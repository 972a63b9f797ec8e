using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Cli.Commands;

/// <summary>`ctune trials JOB`: one row per trial with its phase, progress, objective, parameters, attempts and reason.</summary>
internal static class TrialsCommand
{
    public const string Usage = """
        usage: ctune trials JOB [--kubeconfig PATH] [--context NAME] [-n NAMESPACE]
          one row per trial: name, phase, epoch/budget, objective, params, attempts, reason
        exit: 0 ok, 1 JOB not found, 2 bad usage
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct) =>
        CommandRunner.RunAsync("trials", Usage, args, [], [], err, async (a, c) =>
        {
            var name = a.Single("JOB");
            var reader = new SweepReader(c.Client, c.Namespace);
            var job = await reader.TryGetJobAsync(name, ct);
            if (job is null)
            {
                await err.WriteLineAsync($"ctune trials: FineTuneJob {name} not found in namespace {c.Namespace}; list them with `ctune status -n {c.Namespace}`");
                return 1;
            }

            var trials = await reader.TrialsAsync(name, ct);
            if (trials.Count == 0)
            {
                await @out.WriteLineAsync($"FineTuneJob {name} has no trials yet (phase {job.Status?.Phase?.ToString() ?? "Pending"}); `ctune explain {name}` says why");
                return 0;
            }
            await @out.WriteLineAsync(Render(job, trials));
            return 0;
        });

    /// <summary>The trial table; the objective column is named after the job's metric, the best trial is marked with '*'.</summary>
    public static string Render(FineTuneJob job, IReadOnlyList<Trial> trials)
    {
        var spec = Text.Defaulted(job.Spec);
        var metric = (spec.Objective?.Metric ?? FineTuneJobDefaults.ObjectiveMetric).ToUpperInvariant();
        var bestName = job.Status?.BestTrial?.Name;
        var table = new TextTable("NAME", "PHASE", "EPOCH", metric, "PARAMS", "ATTEMPTS", "REASON");
        foreach (var t in trials.OrderBy(t => t.Spec.Index))
        {
            var s = t.Status;
            table.Add(
                t.Metadata.Name == bestName ? $"{t.Metadata.Name} *" : t.Metadata.Name ?? "",
                (s?.Phase ?? TrialPhase.Pending).ToString(),
                $"{s?.Epoch ?? 0}/{FineTuneJobDefaults.TrialEpochs(spec, t.Spec)}",
                Text.Number(s?.Objective),
                Text.Params(t.Spec.Params),
                $"{s?.Attempts ?? 0}/{FineTuneJobDefaults.AllowedAttempts(spec, t.Spec)}",
                s?.Reason ?? "");
        }
        var text = table.Render();
        return bestName is null ? text : $"{text}\n* best trial";
    }
}
