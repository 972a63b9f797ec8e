using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Complete curves: every epoch stored or the gap named; the provenance metrics are the promoted epoch's.</summary>
public sealed class CurvePlanningTests
{
    private static List<Observation> Obs(params int[] epochs) => epochs.Select(e => new Observation { Epoch = e, Value = e / 10.0 }).ToList();

    [Theory]
    [InlineData(new int[] { 1, 2, 3 }, 3, 64, null)]
    [InlineData(new int[] { 3 }, 3, 64, "no objective value for epoch(s) 1-2 of 3")]
    [InlineData(new int[] { 1, 3, 5 }, 6, 64, "epoch(s) 2, 4, 6 of 6")]
    [InlineData(new int[] { }, 0, 64, null)]
    [InlineData(new int[] { 3, 4, 5 }, 5, 3, "epochs 1-2 were dropped by the 3-point cap")]
    [InlineData(new int[] { 4, 5 }, 5, 3, "epoch(s) 3 of 5: the trainer reported none")]
    public void Gaps_are_named_by_epoch(int[] stored, int epochs, int cap, string? expected)
    {
        var text = CurveGaps.Describe(Obs(stored), epochs, cap);
        if (expected is null)
        {
            Assert.Null(text);
        }
        else
        {
            Assert.Contains(expected, text);
        }
    }

    [Fact]
    public void Points_after_the_end_complete_the_curve_and_nothing_else_changes()
    {
        var ended = new TrialStatus { Phase = TrialPhase.Succeeded, Epoch = 3, Objective = 0.3, Observations = Obs(1, 3), CurveGaps = CurveGaps.Describe(Obs(1, 3), 3) };
        var after = CurveGaps.AfterLatePoints(ended, Obs(2))!;
        Assert.Equal([1, 2, 3], after.Observations!.Select(o => o.Epoch));
        Assert.Null(after.CurveGaps);
        Assert.Equal((TrialPhase.Succeeded, 3, 0.3), (after.Phase!.Value, after.Epoch!.Value, after.Objective!.Value));
        Assert.Null(CurveGaps.AfterLatePoints(after, Obs(2, 3)));
    }

    [Theory]
    [InlineData(true, new[] { 1, 2, 3 }, null)]
    [InlineData(false, new[] { 3 }, "epoch(s) 1-2 of 3")]
    public void The_results_curve_fills_epochs_whose_points_were_lost(bool withCurve, int[] expected, string? gap)
    {
        var curve = withCurve ? new[] { (1, 0.81), (2, 0.93), (3, 0.9) }.Select(x => new Observation { Epoch = x.Item1, Step = x.Item1 * 10L, Value = x.Item2 }).ToList() : null;
        var result = JsonSerializer.Serialize(new TrialResult(TrialResult.Succeeded, 0.93, new Dictionary<string, double> { ["accuracy"] = 0.9 }, 3, 30,
            "file:///ckpt/ml/sweep/trials/sweep-0/best", "file:///ckpt/ml/sweep/trials/sweep-0/last", 100, 0.1, null, curve), ApiJson.Options);
        var trial = Trial(0, Status(TrialPhase.Running, reason: TrialReasons.PodRunning));
        var s = PlanTrial(trial, Spec(), [Terminated(1, 0, message: result)]).Status!;
        Assert.Equal(expected, s.Observations!.Select(o => o.Epoch));
        if (gap is null)
        {
            Assert.Null(s.CurveGaps);
        }
        else
        {
            Assert.Contains(gap, s.CurveGaps);
        }
    }

    // The trial ended at epoch 3 (accuracy 0.85) but its best checkpoint is epoch 2 (0.90).
    [Theory]
    [InlineData(true, 2, 0.90, PromotedMetrics.FromManifest)]
    [InlineData(false, 2, 0.90, PromotedMetrics.ObjectiveOnly)]
    public void Provenance_metrics_are_those_of_the_promoted_epoch(bool manifestHasMetrics, int epoch, double accuracy, string source)
    {
        var status = new TrialStatus
        {
            Objective = 0.90,
            Epoch = 3,
            Metrics = new() { ["accuracy"] = 0.85, ["loss"] = 0.4 },
            Observations = [new() { Epoch = 1, Value = 0.8 }, new() { Epoch = 2, Value = 0.90 }, new() { Epoch = 3, Value = 0.85 }],
        };
        var manifest = manifestHasMetrics ? new Dictionary<string, double> { ["accuracy"] = 0.90, ["loss"] = 0.3 } : null;
        var p = PromotedMetrics.Of(manifestHasMetrics ? 2 : null, manifest, status, "accuracy");
        Assert.Equal((epoch, accuracy, source), (p.Epoch!.Value, p.Metrics["accuracy"], p.Source));
    }
}
