using System.Globalization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>spec.algorithm.pbt: population-based training needs a population, a boundary inside the run and no other scheduler.</summary>
public static partial class FineTuneJobValidator
{
    private static void ValidatePbt(FineTuneJobSpec s, List<FieldError> e)
    {
        const string p = "spec.algorithm.pbt";
        var a = s.Algorithm!;
        if (a.Name != AlgorithmName.Pbt)
        {
            if (a.Pbt is not null)
            {
                e.Add(new(p, $"is set but algorithm.name is {a.Name?.ToString().ToLowerInvariant()}", "set spec.algorithm.name: pbt, or remove spec.algorithm.pbt"));
            }

            return;
        }

        var pbt = PbtSettings.Of(s);
        var epochs = s.Trainer.Epochs ?? FineTuneJobDefaults.Epochs;
        if (pbt.Interval < 1 || pbt.Interval >= epochs)
        {
            e.Add(new($"{p}.perturbationInterval", $"must be between 1 and trainer.epochs - 1 ({epochs - 1}), got {pbt.Interval}",
                $"perturb every few epochs, e.g. {Math.Max(1, epochs / 4)} of {epochs}"));
        }

        if (!(pbt.QuantileFraction is > 0 and <= 0.5))
        {
            e.Add(new($"{p}.quantileFraction", $"must be in (0, 0.5], got {pbt.QuantileFraction.ToString(CultureInfo.InvariantCulture)}", "use e.g. 0.25: the bottom quarter exploits the top quarter"));
        }

        if (pbt.Factors.Count == 0 || pbt.Factors.Any(f => !double.IsFinite(f) || f <= 0))
        {
            e.Add(new($"{p}.perturbationFactors", "must list at least one finite factor > 0", "use e.g. [0.8, 1.2]"));
        }

        if (!(pbt.ResampleProbability is >= 0 and <= 1))
        {
            e.Add(new($"{p}.resampleProbability", $"must be in [0, 1], got {pbt.ResampleProbability.ToString(CultureInfo.InvariantCulture)}", "use e.g. 0.25"));
        }

        if (s.EarlyStopping?.Type is { } es && es != EarlyStoppingType.None)
        {
            e.Add(new("spec.earlyStopping.type", $"is {es.ToString().ToLowerInvariant()}, but pbt schedules the trials itself", "remove spec.earlyStopping (pbt replaces weak trials' weights instead of stopping them)"));
        }

        if (s.Algorithm!.SeedsPerConfig is > 1)
        {
            e.Add(new("spec.algorithm.seedsPerConfig", "must be 1 with pbt", "remove seedsPerConfig (each member is its own setting)"));
        }

        if (s.Budget?.MaxTrials is < 2)
        {
            e.Add(new("spec.budget.maxTrials", $"is the pbt population and must be >= 2, got {s.Budget.MaxTrials}", "use e.g. 8 trials"));
        }
    }
}
