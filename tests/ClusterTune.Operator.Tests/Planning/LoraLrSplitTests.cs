using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>
/// loraLrFactor: LoRA trials draw lrFactor from their own range, full fine-tuning trials from lrFactor's, and every
/// trial still carries the knob as lrFactor. Sampled by the real sweep policy through the operator's mapping.
/// </summary>
public sealed class LoraLrSplitTests
{
    // What JobPlanner does each reconcile: history through ToRecord, new trials through ToParams.
    private static List<Trial> Sample(EffectiveSpec spec, int count)
    {
        var policy = new S.SweepPolicy(SweepMapping.ToSearchSpace(spec), SweepMapping.ToSweepConfig(spec));
        var trials = new List<Trial>();
        while (trials.Count < count)
        {
            var history = trials.Select(t => SweepMapping.ToRecord(t, spec)).ToList();
            var decision = policy.Decide(history, TimeSpan.Zero, 0, capacity: 1);
            if (decision.NewTrials.Count == 0)
            {
                break;
            }

            var n = decision.NewTrials[0];
            // Finished at once, so the next decision sees it as tried history (TPE models it).
            trials.Add(Trial(n.Index, Done(n.Index, 0.5 + (0.01 * n.Index)).Status, parameters: SweepMapping.ToParams(n.Params, spec)));
        }
        return trials;
    }

    /// <summary>Rows: algorithm, preset (null = the default space), lrFactor range of loraRank 0, of loraRank > 0.</summary>
    [Theory]
    [InlineData(AlgorithmName.Random, null, 0.1, 10, 1, 10)]
    [InlineData(AlgorithmName.Tpe, null, 0.1, 10, 1, 10)]
    [InlineData(AlgorithmName.Sobol, "small-similar", 0.3, 3, 3, 10)]
    [InlineData(AlgorithmName.Grid, "large-different", 0.3, 10, 3, 10)]
    public void Lora_trials_get_their_own_lr_range_and_every_trial_gets_lrFactor(AlgorithmName algorithm, string? preset, double fullMin, double fullMax, double loraMin, double loraMax)
    {
        var spec = Spec(s =>
        {
            s.SearchSpace = new SearchSpace { Preset = preset };
            s.Algorithm = new AlgorithmSpec { Name = algorithm, Seed = 3 };
            s.Budget = new BudgetSpec { MaxTrials = 30, Parallelism = 1 };
        });
        var trials = Sample(spec, 30);

        Assert.True(trials.Count >= 12, $"only {trials.Count} trials");
        foreach (var t in trials)
        {
            var p = t.Spec.Params;
            Assert.DoesNotContain(SearchSpace.LoraLrFactorName, p.Keys);
            var lr = p["lrFactor"].Number;
            var (min, max) = p["loraRank"].Number == 0 ? (fullMin, fullMax) : (loraMin, loraMax);
            Assert.True(lr >= min * 0.999 && lr <= max * 1.001, $"{lr} outside [{min}, {max}] for {string.Join(", ", p.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }

        Assert.Contains(trials, t => t.Spec.Params["loraRank"].Number == 0);
        Assert.Contains(trials, t => t.Spec.Params["loraRank"].Number > 0);
    }

    [Fact]
    public void A_grid_tries_each_lr_point_once_per_side_and_then_is_exhausted()
    {
        // large-different under grid: freezeDepth 0..1 × (lrFactor 0.3/1/3/10 at loraRank 0 + loraLrFactor 3/10 at loraRank 8).
        var spec = Spec(s =>
        {
            s.SearchSpace = new SearchSpace { Preset = "large-different" };
            s.Algorithm = new AlgorithmSpec { Name = AlgorithmName.Grid };
            s.Budget = new BudgetSpec { MaxTrials = 100, Parallelism = 1 };
        });
        var settings = Sample(spec, 100).Select(t => (t.Spec.Params["freezeDepth"].Number, t.Spec.Params["loraRank"].Number, t.Spec.Params["lrFactor"].Number)).ToList();

        Assert.Equal(12, settings.Count);
        Assert.Equal(12, settings.Distinct().Count());
        Assert.Equal([0.3, 1, 3, 10], settings.Where(s => s.Item2 == 0).Select(s => s.Item3).Distinct().Order());
        Assert.Equal([3.0, 10], settings.Where(s => s.Item2 == 8).Select(s => s.Item3).Distinct().Order());
    }

    /// <summary>Rows: loraRank values, which LR dimensions the search space keeps.</summary>
    [Theory]
    [InlineData(new[] { 0, 4 }, new[] { "lrFactor", "loraLrFactor" })]
    [InlineData(new[] { 4, 8 }, new[] { "loraLrFactor" })]
    [InlineData(new[] { 0 }, new[] { "lrFactor" })]
    public void A_side_loraRank_never_takes_is_left_out(int[] ranks, string[] kept)
    {
        var spec = Spec(s => s.SearchSpace = new SearchSpace { LoraRank = new ParameterSpec { Type = ParameterType.Categorical, Values = [.. ranks.Select(r => ParamValue.Of(r))] } });
        var names = SweepMapping.ToSearchSpace(spec).Parameters.Select(p => p.Name).Where(n => n.Contains("rFactor", StringComparison.Ordinal));
        Assert.Equal(kept.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_trial_of_a_space_without_loraLrFactor_keeps_lrFactor_for_the_search()
    {
        var spec = Spec(); // Fixtures: lrFactor given explicitly, so no split
        var record = SweepMapping.ToRecord(Trial(1), spec);
        Assert.Null(spec.SearchSpace.LoraLrFactor);
        Assert.Equal(0.1, record.Params["lrFactor"]);
        Assert.DoesNotContain(SearchSpace.LoraLrFactorName, record.Params.Keys);
    }
}
