using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Tests;

/// <summary>A trial's curve as the stopping rules and samplers see it: one loss per step (the median of its values), by step.</summary>
public sealed class TrialViewTests
{
    public static TheoryData<string, (double Step, double Value)[], (double Step, double Loss)[]> Curves => new()
    {
        { "in order, one value per step", [(1, 0.5), (2, 0.6), (3, 0.7)], [(1, -0.5), (2, -0.6), (3, -0.7)] },
        { "a step reported twice: its median", [(1, 0.5), (1, 0.75), (2, 0.6)], [(1, -0.625), (2, -0.6)] },
        { "out of order", [(3, 0.7), (1, 0.5), (2, 0.6)], [(1, -0.5), (2, -0.6), (3, -0.7)] },
        { "three values of a step, shuffled", [(2, 0.9), (1, 0.1), (2, 0.2), (2, 0.4)], [(1, -0.1), (2, -0.4)] },
        { "a NaN value and a negative step are left out", [(1, 0.5), (2, double.NaN), (-1, 0.9), (3, 0.7)], [(1, -0.5), (3, -0.7)] },
        { "no points", [], [] },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public void Points_are_one_loss_per_step_in_step_order(string name, (double Step, double Value)[] observations, (double Step, double Loss)[] expected)
    {
        var record = new TrialRecord(0, new Dictionary<string, object>(), TrialStatus.Running) { Observations = [.. observations.Select(o => new Observation(o.Step, o.Value))] };
        var view = new TrialView(record, ObjectiveDirection.Maximize, 9);
        Assert.True(expected.SequenceEqual(view.Points), $"{name}: {string.Join(", ", view.Points)}");
        Assert.Equal(observations.Any(o => double.IsNaN(o.Value)), view.HasNonFinite);
    }
}
