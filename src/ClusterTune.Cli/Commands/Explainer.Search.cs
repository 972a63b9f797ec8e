using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Cli.Commands;

/// <summary>What the search itself decided: settings ruled out by constraints before they ran.</summary>
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
    }
}
