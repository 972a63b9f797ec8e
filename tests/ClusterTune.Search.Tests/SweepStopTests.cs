namespace ClusterTune.Search.Tests;

public sealed class SweepStopTests
{
    private static readonly SearchSpace XSpace = SearchSpace.Create([ParameterSpec.Float("x", 0, 100)]);

    private static TrialRecord Done(int i, double objective) =>
        Kit.Trial(i, TrialStatus.Succeeded, (9, objective)) with { Objective = objective };

    private static SweepDecision Decide(SweepStopConfig stop, IReadOnlyList<TrialRecord> history, ObjectiveDirection dir = ObjectiveDirection.Minimize,
        TimeSpan? elapsed = null, double gpuSeconds = 0, int capacity = 2) =>
        new SweepPolicy(XSpace, Kit.Config(stop: stop, dir: dir)).Decide(history, elapsed ?? TimeSpan.Zero, gpuSeconds, capacity);

    public static TheoryData<string, SweepStopConfig, TrialRecord[], ObjectiveDirection, double, double, SweepStopReason?> Table => new()
    {
        { "target reached, minimize", new SweepStopConfig { Target = 0.5 }, [Done(0, 0.9), Done(1, 0.5)], ObjectiveDirection.Minimize, 0, 0, SweepStopReason.TargetReached },
        { "target not reached, minimize", new SweepStopConfig { Target = 0.5 }, [Done(0, 0.9), Done(1, 0.51)], ObjectiveDirection.Minimize, 0, 0, null },
        { "target reached, maximize", new SweepStopConfig { Target = 0.9 }, [Done(0, 0.95)], ObjectiveDirection.Maximize, 0, 0, SweepStopReason.TargetReached },
        { "target not reached, maximize", new SweepStopConfig { Target = 0.9 }, [Done(0, 0.2)], ObjectiveDirection.Maximize, 0, 0, null },
        { "target ignores early-stopped partial values", new SweepStopConfig { Target = 0.5 }, [Kit.Trial(0, TrialStatus.EarlyStopped, (1, 0.1))], ObjectiveDirection.Minimize, 0, 0, null },
        { "not improving 1 % over last 3", new SweepStopConfig { NotImprovingTrials = 3 }, [Done(0, 1.0), Done(1, 0.995), Done(2, 0.999), Done(3, 1.2)], ObjectiveDirection.Minimize, 0, 0, SweepStopReason.NotImproving },
        { "improving more than 1 %", new SweepStopConfig { NotImprovingTrials = 3 }, [Done(0, 1.0), Done(1, 0.98), Done(2, 1.5), Done(3, 1.2)], ObjectiveDirection.Minimize, 0, 0, null },
        { "not improving needs N+1 finished", new SweepStopConfig { NotImprovingTrials = 3 }, [Done(0, 1.0), Done(1, 1.0), Done(2, 1.0)], ObjectiveDirection.Minimize, 0, 0, null },
        { "not improving, maximize", new SweepStopConfig { NotImprovingTrials = 2 }, [Done(0, 0.80), Done(1, 0.805), Done(2, 0.79)], ObjectiveDirection.Maximize, 0, 0, SweepStopReason.NotImproving },
        { "improving, maximize", new SweepStopConfig { NotImprovingTrials = 2 }, [Done(0, 0.80), Done(1, 0.85), Done(2, 0.79)], ObjectiveDirection.Maximize, 0, 0, null },
        { "more than max failed", new SweepStopConfig { MaxFailedTrials = 1 }, [Kit.Trial(0, TrialStatus.Failed), Kit.Trial(1, TrialStatus.Failed)], ObjectiveDirection.Minimize, 0, 0, SweepStopReason.MaxFailedTrialsReached },
        { "NaN final objective counts as failed", new SweepStopConfig { MaxFailedTrials = 1 }, [Kit.Trial(0, TrialStatus.Failed), Done(1, double.NaN)], ObjectiveDirection.Minimize, 0, 0, SweepStopReason.MaxFailedTrialsReached },
        { "at max failed", new SweepStopConfig { MaxFailedTrials = 2 }, [Kit.Trial(0, TrialStatus.Failed), Kit.Trial(1, TrialStatus.Failed)], ObjectiveDirection.Minimize, 0, 0, null },
        { "max failed 0: the first failure stops", new SweepStopConfig { MaxFailedTrials = 0 }, [Kit.Trial(0, TrialStatus.Failed)], ObjectiveDirection.Minimize, 0, 0, SweepStopReason.MaxFailedTrialsReached },
        { "max failed 0, no failure", new SweepStopConfig { MaxFailedTrials = 0 }, [Done(0, 1.0)], ObjectiveDirection.Minimize, 0, 0, null },
        { "max duration", new SweepStopConfig { MaxDuration = TimeSpan.FromHours(2) }, [], ObjectiveDirection.Minimize, 120, 0, SweepStopReason.MaxDurationReached },
        { "within max duration", new SweepStopConfig { MaxDuration = TimeSpan.FromHours(2) }, [], ObjectiveDirection.Minimize, 119, 0, null },
        { "max GPU hours", new SweepStopConfig { MaxGpuHours = 1.5 }, [], ObjectiveDirection.Minimize, 0, 5400, SweepStopReason.MaxGpuHoursReached },
        { "within max GPU hours", new SweepStopConfig { MaxGpuHours = 1.5 }, [], ObjectiveDirection.Minimize, 0, 5399, null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Sweep_stop_rules(string name, SweepStopConfig stop, TrialRecord[] history, ObjectiveDirection dir, double minutes, double gpuSeconds, SweepStopReason? expected)
    {
        var d = Decide(stop, history, dir, TimeSpan.FromMinutes(minutes), gpuSeconds);
        Assert.True(expected == d.Stop?.Reason, $"{name}: expected {expected}, got {d.Stop?.Reason} ({d.Stop?.Message})");
        if (expected is not null)
        {
            Assert.Empty(d.NewTrials);
            Assert.False(string.IsNullOrWhiteSpace(d.Stop!.Message));
        }
    }

    [Fact]
    public void Immediate_stops_stop_every_running_and_pending_trial()
    {
        var history = new[] { Kit.Trial(0, TrialStatus.Running, (1, 3)), Kit.Trial(1, TrialStatus.Pending), Kit.Trial(2, TrialStatus.Paused, (1, 2)) };
        var d = Decide(new SweepStopConfig { MaxGpuHours = 1 }, history, gpuSeconds: 3600);
        Assert.Equal([0, 1], d.TrialsToStop.Select(s => s.Index));
        Assert.All(d.TrialsToStop, s => Assert.Equal(TrialStopReason.SweepStopped, s.Reason));
    }

    [Fact]
    public void Max_trials_lets_running_trials_finish_then_stops()
    {
        var stop = new SweepStopConfig { MaxTrials = 2 };
        var running = Decide(stop, [Done(0, 1), Kit.Trial(1, TrialStatus.Running, (1, 2))]);
        Assert.Null(running.Stop);
        Assert.Empty(running.NewTrials);
        Assert.Empty(running.TrialsToStop);
        Assert.Equal(SweepStopReason.MaxTrialsReached, Decide(stop, [Done(0, 1), Done(1, 2)]).Stop?.Reason);
    }

    [Fact]
    public void Max_trials_caps_new_trials()
    {
        var d = Decide(new SweepStopConfig { MaxTrials = 3 }, [Done(0, 1)], capacity: 10);
        Assert.Equal([1, 2], d.NewTrials.Select(n => n.Index));
    }

    [Fact]
    public void No_capacity_means_no_new_trials_and_no_stop()
    {
        var d = Decide(new SweepStopConfig(), [], capacity: 0);
        Assert.Empty(d.NewTrials);
        Assert.Null(d.Stop);
    }

    public static TheoryData<string, SweepConfig> BadConfigs => new()
    {
        { "maxResource", Kit.Config(maxResource: 0) },
        { "earlyStopping.eta", Kit.Config(es: new EarlyStoppingConfig(EarlyStoppingKind.Asha) { Eta = 1 }) },
        { "earlyStopping.minResource", Kit.Config(es: new EarlyStoppingConfig(EarlyStoppingKind.Hyperband) { MinResource = 50 }) },
        { "budget.maxTrials", Kit.Config(stop: new SweepStopConfig { MaxTrials = 0 }) },
        { "stop.improvementFraction", Kit.Config(stop: new SweepStopConfig { ImprovementFraction = 2 }) },
        { "algorithm.gamma", Kit.Config() with { Algorithm = new AlgorithmConfig(SamplerKind.Tpe, 1) { Gamma = 0 } } },
        { "objective.target", Kit.Config(stop: new SweepStopConfig { Target = double.NaN }) },
    };

    [Theory]
    [MemberData(nameof(BadConfigs))]
    public void Invalid_configuration_names_the_field(string field, SweepConfig config)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SweepPolicy(XSpace, config));
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void Best_trial_is_the_best_full_length_result_in_the_users_direction()
    {
        var history = new[] { Done(0, 0.7), Done(1, 0.9), Kit.Trial(2, TrialStatus.EarlyStopped, (1, 0.99)), Done(3, double.NaN) };
        var max = new SweepPolicy(XSpace, Kit.Config(dir: ObjectiveDirection.Maximize));
        Assert.Equal(1, max.BestTrial(history)!.Index);
        Assert.Equal(0.9, max.BestObjective(history));
        var min = new SweepPolicy(XSpace, Kit.Config());
        Assert.Equal(0, min.BestTrial(history)!.Index);
        Assert.Null(min.BestObjective([]));
    }
}
