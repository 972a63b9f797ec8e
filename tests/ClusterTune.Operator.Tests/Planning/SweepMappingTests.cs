using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using FsCheck;
using FsCheck.Fluent;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class SweepMappingTests
{
    /// <summary>Rows: trial phase (null = no status), spec.epochs, status.epoch, expected search status.</summary>
    [Theory]
    [InlineData(null, 3, 0, S.TrialStatus.Pending)]
    [InlineData(TrialPhase.Pending, 3, 0, S.TrialStatus.Running)] // it reports points: running (Running is written late, it mirrors the pod)
    [InlineData(TrialPhase.Running, 3, 1, S.TrialStatus.Running)]
    [InlineData(TrialPhase.Paused, 1, 1, S.TrialStatus.Paused)]
    [InlineData(TrialPhase.Paused, 3, 1, S.TrialStatus.Pending)] // promoted, waiting for its next pod
    [InlineData(TrialPhase.Succeeded, 3, 3, S.TrialStatus.Succeeded)]
    [InlineData(TrialPhase.Failed, 3, 2, S.TrialStatus.Failed)]
    [InlineData(TrialPhase.EarlyStopped, 3, 2, S.TrialStatus.EarlyStopped)]
    public void ToRecord_maps_phases(TrialPhase? phase, int epochs, int epoch, S.TrialStatus expected)
    {
        var status = phase is null ? null : new TrialStatus
        {
            Phase = phase,
            Epoch = epoch,
            Objective = 0.8,
            Observations = [new Observation { Epoch = 1, Value = 0.7 }, new Observation { Epoch = 2, Value = 0.8 }],
        };
        var record = SweepMapping.ToRecord(Trial(4, status, epochs: epochs));

        Assert.Equal(expected, record.Status);
        Assert.Equal(4, record.Index);
        Assert.Equal(epochs, record.Budget);
        Assert.Equal(phase is null ? 0 : epoch, record.ResourceUsed);
        Assert.Equal(phase is null ? 0 : 2, record.Observations.Count);
        Assert.Equal(16L, record.Params["loraRank"]);
    }

    [Fact]
    public void ToParams_keeps_ints_as_ints_and_categorical_values_as_written()
    {
        var spec = Spec(s => s.SearchSpace = new SearchSpace
        {
            FreezeDepth = new ParameterSpec { Type = ParameterType.Int, Min = 0, Max = 4 },
            LrFactor = new ParameterSpec { Type = ParameterType.Categorical, Values = [0.01, 0.1, 1.0] },
            LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [0, 4, 8] },
            Parameters = new()
            {
                ["amp"] = new ParameterSpec { Type = ParameterType.Categorical, Values = [true, false] },
                ["optimizer"] = new ParameterSpec { Type = ParameterType.Categorical, Values = ["adamw", "sgd"] },
                ["dropout"] = new ParameterSpec { Type = ParameterType.Float, Min = 0, Max = 0.5 },
            },
        });
        var p = SweepMapping.ToParams(new Dictionary<string, object>
        {
            ["freezeDepth"] = 2.0,
            ["lrFactor"] = 1L,
            ["loraRank"] = 4L,
            ["amp"] = "true",
            ["optimizer"] = "sgd",
            ["dropout"] = 0.25,
        }, spec);

        Assert.Equal("""{"amp":true,"dropout":0.25,"freezeDepth":2,"loraRank":4,"lrFactor":1,"optimizer":"sgd"}""", PodTemplate.ParamsJson(p));
        Assert.Equal(ParamValueKind.Boolean, p["amp"].Kind);
        Assert.True(p["freezeDepth"].IsInteger);
        Assert.Equal(ParamValueKind.String, p["optimizer"].Kind);
        Assert.Equal(ParamValue.Of(1.0), p["lrFactor"]);
    }

    [Fact]
    public void ToParams_round_trips_through_ToSearchValue_for_any_categorical_choice()
    {
        ParamValue[] values = [0, 4, 0.5, "adamw", true, false];
        var spec = Spec(s => s.SearchSpace!.Parameters = new() { ["x"] = new ParameterSpec { Type = ParameterType.Categorical, Values = [.. values] } });
        var prop = Prop.ForAll(Gen.Elements(values).ToArbitrary(), v =>
        {
            var back = SweepMapping.ToParams(new Dictionary<string, object> { ["x"] = SweepMapping.ToSearchValue(v) }, spec)["x"];
            return back == v;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), prop);
    }

    [Fact]
    public void ToSweepConfig_maps_asha()
    {
        var spec = Spec(s =>
        {
            s.Trainer.Epochs = 9;
            s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Asha, MinResource = 2, MaxResource = 8, ReductionFactor = 2, Mode = EarlyStoppingMode.Promote, Brackets = 2 };
        });
        var c = SweepMapping.ToSweepConfig(spec);
        Assert.Equal(S.EarlyStoppingKind.Asha, c.EarlyStopping.Kind);
        Assert.Equal(2, c.EarlyStopping.MinResource);
        Assert.Equal(2, c.EarlyStopping.Eta);
        Assert.Equal(S.AshaMode.Promote, c.EarlyStopping.Mode);
        Assert.Equal(2, c.EarlyStopping.MaxBrackets);
        Assert.Equal(8, c.MaxResource);
        Assert.Equal(8, spec.MaxResource);
    }

    [Fact]
    public void ToSweepConfig_maps_hyperband_defaults()
    {
        var spec = Spec(s => { s.Trainer.Epochs = 9; s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Hyperband }; });
        var c = SweepMapping.ToSweepConfig(spec);
        Assert.Equal(S.EarlyStoppingKind.Hyperband, c.EarlyStopping.Kind);
        Assert.Equal(1, c.EarlyStopping.MinResource);
        Assert.Equal(3, c.EarlyStopping.Eta);
        Assert.Equal(S.AshaMode.Stop, c.EarlyStopping.Mode);
        Assert.Equal(3, c.EarlyStopping.MaxBrackets); // floor(log3(9/1)) + 1
        Assert.Equal(9, c.MaxResource);
    }

    [Fact]
    public void ToSweepConfig_maps_cmaes()
    {
        var c = SweepMapping.ToSweepConfig(Spec(s => s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.CmaEs, Seed = 3 }));
        Assert.Equal((S.SamplerKind.CmaEs, 3UL), (c.Algorithm.Kind, c.Algorithm.Seed));
    }

    [Fact]
    public void ToSweepConfig_maps_median_none_algorithm_and_stops()
    {
        var median = SweepMapping.ToSweepConfig(Spec(s => s.EarlyStopping = new EarlyStoppingSpec { Type = EarlyStoppingType.Median, GracePeriod = 2, MinTrials = 4 }));
        Assert.Equal(S.EarlyStoppingKind.Median, median.EarlyStopping.Kind);
        Assert.Equal(4, median.EarlyStopping.MinTrials);
        Assert.Equal(2, median.EarlyStopping.WarmupSteps);

        var c = SweepMapping.ToSweepConfig(Spec(s =>
        {
            s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Tpe, Seed = 7 };
            s.Objective = new ObjectiveSpec { Metric = "val_loss", Target = 0.1 };
            s.Budget = new BudgetSpec { MaxTrials = 20, MaxFailedTrials = 2, MaxDuration = "1h30m", NotImprovingTrials = 5 };
            s.Trainer.Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = 1 } };
            s.Budget.MaxGpuHours = 4;
        }));
        Assert.Equal(S.EarlyStoppingKind.None, c.EarlyStopping.Kind);
        Assert.Equal(S.SamplerKind.Tpe, c.Algorithm.Kind);
        Assert.Equal(7UL, c.Algorithm.Seed);
        Assert.Equal(S.ObjectiveDirection.Minimize, c.Direction);
        Assert.Equal(0.1, c.Stop.Target);
        Assert.Equal(20, c.Stop.MaxTrials);
        Assert.Equal(2, c.Stop.MaxFailedTrials); // the sweep fails on more than 2, in the API and in the library
        Assert.Equal(TimeSpan.FromMinutes(90), c.Stop.MaxDuration);
        Assert.Equal(5, c.Stop.NotImprovingTrials);
        Assert.Equal(4, c.Stop.MaxGpuHours);
        Assert.Equal(3, c.MaxResource);
    }

    [Theory]
    [InlineData(AlgorithmName.Grid, S.SamplerKind.Grid)]
    [InlineData(AlgorithmName.Random, S.SamplerKind.Random)]
    [InlineData(AlgorithmName.Sobol, S.SamplerKind.Sobol)]
    [InlineData(AlgorithmName.Tpe, S.SamplerKind.Tpe)]
    public void ToSweepConfig_maps_algorithms(AlgorithmName name, S.SamplerKind kind) =>
        Assert.Equal(kind, SweepMapping.ToSweepConfig(Spec(s => s.Algorithm = new AlgorithmSpec { Name = name })).Algorithm.Kind);
}
