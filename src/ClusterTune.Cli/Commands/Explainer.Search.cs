using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Cli.Commands;

/// <summary>What the search itself decided: settings ruled out by constraints before they ran, and repeated settings.</summary>
internal static partial class Explainer
{
    private static IEnumerable<string> SearchNotes(FineTuneJob job, IReadOnlyList<Trial> trials)
    {
        if (job.Status?.Constraints is { } c)
        {
            yield return c.CheckedBeforeStart == true
                ? $"constraint skips: {c.Message}" + (c.InfeasibleSettings is > 0 ? "; they get no trial (raise spec.searchSpace.constraints.maxTrainableParamsFraction to run them)" : "")
                : $"constraint not checked before start: {c.Message}; violating trials start and the trainer fails them with {TrialReasons.ConstraintViolated}";
        }

        var seedsPerConfig = job.Spec.Algorithm?.SeedsPerConfig ?? 1;
        var repeated = trials.GroupBy(t => Text.Params(t.Spec.Params), StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        if (seedsPerConfig > 1)
        {
            var best = job.Status?.BestTrial is { Seeds: { } n } b ? $"; best setting {Text.Number(b.ObjectiveMean)} ± {Text.Number(b.ObjectiveStdDev)} over {n} seed(s)" : "";
            yield return $"repeats on purpose: algorithm.seedsPerConfig is {seedsPerConfig}, so each setting runs {seedsPerConfig} times with its own seed{best}";
        }
        else if (repeated.Count > 0)
        {
            var first = repeated[0];
            yield return $"repeats: {repeated.Sum(g => g.Count() - 1)} trial(s) repeat a setting already tried, e.g. {string.Join(", ", first.Select(t => t.Metadata.Name))} ({first.Key}); " +
                         "they were created before samplers skipped tried settings; each has its own seed (status.seed)";
        }
    }
}
