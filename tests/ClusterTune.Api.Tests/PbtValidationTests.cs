using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Api.Tests;

/// <summary>spec.algorithm.pbt: bad settings name the field and a fix; defaults fill what is left out.</summary>
public sealed class PbtValidationTests
{
    private static void Pbt(FineTuneJob j, PbtSpec? pbt = null)
    {
        j.Spec.Trainer.Epochs = 6;
        j.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Pbt, Pbt = pbt };
    }

    public static TheoryData<string, Action<FineTuneJob>, string?> Cases() => new()
    {
        { "defaults", j => Pbt(j), null },
        { "all set", j => Pbt(j, new PbtSpec { PerturbationInterval = 3, QuantileFraction = 0.5, PerturbationFactors = [0.5, 2], ResampleProbability = 1 }), null },
        { "interval reaches the end", j => Pbt(j, new PbtSpec { PerturbationInterval = 6 }), "spec.algorithm.pbt.perturbationInterval" },
        { "interval zero", j => Pbt(j, new PbtSpec { PerturbationInterval = 0 }), "spec.algorithm.pbt.perturbationInterval" },
        { "quantile above a half", j => Pbt(j, new PbtSpec { QuantileFraction = 0.6 }), "spec.algorithm.pbt.quantileFraction" },
        { "quantile zero", j => Pbt(j, new PbtSpec { QuantileFraction = 0 }), "spec.algorithm.pbt.quantileFraction" },
        { "no factors", j => Pbt(j, new PbtSpec { PerturbationFactors = [] }), "spec.algorithm.pbt.perturbationFactors" },
        { "negative factor", j => Pbt(j, new PbtSpec { PerturbationFactors = [1.2, -1] }), "spec.algorithm.pbt.perturbationFactors" },
        { "resample above one", j => Pbt(j, new PbtSpec { ResampleProbability = 1.5 }), "spec.algorithm.pbt.resampleProbability" },
        { "with asha", j => { Pbt(j); j.Spec.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha }; }, "spec.earlyStopping.type" },
        { "with repeats", j => { Pbt(j); j.Spec.Algorithm!.SeedsPerConfig = 2; }, "spec.algorithm.seedsPerConfig" },
        { "population of one", j => { Pbt(j); j.Spec.Budget = new BudgetSpec { MaxTrials = 1 }; }, "spec.budget.maxTrials" },
        { "pbt settings without pbt", j => j.Spec.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Tpe, Pbt = new PbtSpec() }, "spec.algorithm.pbt" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pbt_settings_are_validated_with_the_field_path(string name, Action<FineTuneJob> change, string? path)
        => TestJobs.AssertValidation(name, change, path);

    [Fact]
    public void Settings_left_out_get_their_defaults()
    {
        var job = TestJobs.Minimal();
        Pbt(job, new PbtSpec { PerturbationInterval = 3 });
        var s = PbtSettings.Of(job.Spec);
        Assert.Equal(3, s.Interval);
        Assert.Equal(PbtSpec.DefaultQuantileFraction, s.QuantileFraction);
        Assert.Equal(PbtSpec.DefaultPerturbationFactors, s.Factors);
        Assert.Equal(PbtSpec.DefaultResampleProbability, s.ResampleProbability);
    }
}
