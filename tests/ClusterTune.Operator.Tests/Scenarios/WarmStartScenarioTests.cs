using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s.Models;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// spec.warmStartFrom end to end on the embedded API server with the contract trainer: a TPE sweep seeded with an
/// earlier random sweep's trials reaches a given objective in fewer epochs than the same sweep (same seed) started
/// cold; trials that do not fit the space (lrFactor outside its range) are counted as skipped; a missing source job is reported and ignored.
/// </summary>
public sealed class WarmStartScenarioTests(ITestOutputHelper output)
{
    // The contract trainer scores 1 - |log10(lrFactor) + 1| / 4 with freezeDepth 0 and loraRank 0: 0.95 needs lrFactor in [0.063, 0.158].
    private const double Level = 0.95;

    private static FineTuneJob Sweep(string name, AlgorithmName algorithm, long seed, int maxTrials, int parallelism, double minLrFactor = 0.001)
    {
        var job = SweepHarness.GridJob(name, [0.1], [0], parallelism: parallelism, epochs: 2);
        job.Spec.SearchSpace!.LrFactor = new ParameterSpec { Type = ParameterType.Float, Min = minLrFactor, Max = 1, Scale = ParameterScale.Log };
        job.Spec.Algorithm = new AlgorithmSpec { Name = algorithm, Seed = seed };
        job.Spec.Budget = new BudgetSpec { MaxTrials = maxTrials, Parallelism = parallelism };
        return job;
    }

    /// <summary>Epochs the sweep trained, in trial order, up to and including its first trial at <see cref="Level"/> (null: none reached it).</summary>
    private static (int? Epochs, string Trace) EpochsToLevel(IReadOnlyList<Trial> trials)
    {
        var epochs = 0;
        var trace = new List<string>();
        foreach (var t in trials.OrderBy(t => t.Spec.Index))
        {
            epochs += t.Status!.Epoch ?? 0;
            trace.Add($"{t.Spec.Params[KnobNames.LrFactor].AsDouble():G3}→{t.Status.Objective:G3}");
            if (t.Status.Objective >= Level)
            {
                return (epochs, string.Join(" ", trace));
            }
        }

        return (null, string.Join(" ", trace));
    }

    [Fact]
    public async Task A_warm_started_tpe_sweep_reaches_the_level_in_fewer_epochs_than_the_same_sweep_cold()
    {
        await using var h = await SweepHarness.StartAsync();
        await h.StartOperatorAsync();
        // The earlier sweep: 16 random trials over a wider lrFactor range; those below 0.001 do not fit the new space.
        await h.Client.CreateAsync(Sweep("earlier", AlgorithmName.Random, 11, maxTrials: 16, parallelism: 4, minLrFactor: 0.0001));
        var earlier = await h.WaitForJobAsync("earlier", SweepHarness.Finished, TimeSpan.FromSeconds(120));
        Assert.Equal(16, earlier.Status!.Trials!.Succeeded);
        var earlierTrials = await h.TrialsAsync("earlier");
        var unfit = earlierTrials.Count(t => t.Spec.Params[KnobNames.LrFactor].AsDouble() < 0.001);
        Assert.InRange(unfit, 1, 6);

        await h.Client.CreateAsync(Sweep("cold", AlgorithmName.Tpe, 5, maxTrials: 6, parallelism: 1));
        var warmJob = Sweep("warm", AlgorithmName.Tpe, 5, maxTrials: 6, parallelism: 1);
        warmJob.Spec.WarmStartFrom = ["earlier", "never-existed"];
        await h.Client.CreateAsync(warmJob);
        var cold = await h.WaitForJobAsync("cold", SweepHarness.Finished, TimeSpan.FromSeconds(120));
        var warm = await h.WaitForJobAsync("warm", SweepHarness.Finished, TimeSpan.FromSeconds(120));

        // The missing source is reported and the sweep ran without it.
        Assert.Equal(FineTuneJobPhase.Succeeded, warm.Status!.Phase);
        Assert.Equal(6, warm.Status.Trials!.Succeeded);
        var condition = Conditions.Find(warm.Status.Conditions, ConditionTypes.WarmStarted)!;
        Assert.Equal(("False", ConditionReasons.WarmStartSourceMissing), (condition.Status, condition.Reason));
        Assert.Contains("never-existed", condition.Message, StringComparison.Ordinal);
        var events = await h.Client.ListAllAsync<Corev1Event>("default");
        Assert.Contains(events, e => e.InvolvedObject.Name == "warm" && e.Reason == EventReasons.WarmStartSourceMissing && e.Type == EventTypes.Warning);
        Assert.Equal(16 - unfit, warm.Status.WarmStart!.Trials);
        Assert.Equal(unfit, warm.Status.WarmStart.Skipped);
        Assert.Equal(["never-existed"], warm.Status.WarmStart.Missing!);
        Assert.Null(cold.Status!.WarmStart);

        var (coldEpochs, coldTrace) = EpochsToLevel(await h.TrialsAsync("cold"));
        var (warmEpochs, warmTrace) = EpochsToLevel(await h.TrialsAsync("warm"));
        var (earlierEpochs, _) = EpochsToLevel(earlierTrials);
        output.WriteLine($"epochs to objective {Level}: warm {warmEpochs?.ToString() ?? "never"} ({warmTrace}); cold {coldEpochs?.ToString() ?? "never"} ({coldTrace}); earlier sweep {earlierEpochs?.ToString() ?? "never"}");
        Assert.NotNull(warmEpochs);
        Assert.True(coldEpochs is null || warmEpochs < coldEpochs, $"warm {warmEpochs} epochs ({warmTrace}), cold {coldEpochs} ({coldTrace})");
    }
}
