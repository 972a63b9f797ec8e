using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Web;
using k8s.Models;
using Row = ClusterTune.Operator.Web.ParameterImportance.Row;

namespace ClusterTune.Operator.Tests.Web;

/// <summary>The main-effect variance share (η²) per parameter, and which trials it is computed over.</summary>
public sealed class ParameterImportanceTests
{
    private static Row R(double y, params (string Name, ParamValue Value)[] ps) => new(ps.ToDictionary(p => p.Name, p => p.Value), y);

    public static TheoryData<string, Row[], (string Parameter, double Importance, int Levels)[]> Cases => new()
    {
        {
            // y depends on a only: a explains everything, b nothing (b's levels have equal means).
            "a alone", [R(1, ("a", 0), ("b", "x")), R(1, ("a", 0), ("b", "y")), R(3, ("a", 1), ("b", "x")), R(3, ("a", 1), ("b", "y"))],
            [("a", 1, 2), ("b", 0, 2)]
        },
        {
            // y = 2a + b on a full 2x2 grid: variance shares 4/5 and 1/5 (additive, so they sum to 1).
            "additive", [R(0, ("a", 0), ("b", 0)), R(1, ("a", 0), ("b", 1)), R(2, ("a", 1), ("b", 0)), R(3, ("a", 1), ("b", 1))],
            [("a", 0.8, 2), ("b", 0.2, 2)]
        },
        {
            // y = a XOR b: a pure interaction, no main effect at all.
            "interaction only", [R(0, ("a", 0), ("b", 0)), R(1, ("a", 0), ("b", 1)), R(1, ("a", 1), ("b", 0)), R(0, ("a", 1), ("b", 1))],
            [("a", 0, 2), ("b", 0, 2)]
        },
        {
            // NaN objectives are left out; the rest is "a alone".
            "NaN dropped", [R(double.NaN, ("a", 5)), R(1, ("a", 0)), R(1, ("a", 0)), R(3, ("a", 1))],
            [("a", 1, 2)]
        },
        {
            // A conditional parameter missing from some rows: absence is its own level.
            "absent level", [R(0, ("a", 1)), R(0, ("a", 1)), R(2), R(2)],
            [("a", 1, 2)]
        },
        {
            // 16 distinct numbers go into 8 equal-count bins of 2; y = the bin, so the binned main effect is all of it.
            "binned numbers", [.. Enumerable.Range(0, 16).Select(i => R(i / 2, ("lr", 0.001 * (i + 1))))],
            [("lr", 1, 8)]
        },
        { "too few rows", [R(1, ("a", 0)), R(2, ("a", 1))], [] },
        { "constant objective", [R(0.5, ("a", 0)), R(0.5, ("a", 1)), R(0.5, ("a", 2))], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Main_effect_shares(string name, Row[] rows, (string Parameter, double Importance, int Levels)[] expected)
    {
        var actual = ParameterImportance.Compute(rows);
        Assert.True(expected.Length == actual.Count, $"{name}: {string.Join(", ", actual)}");
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Parameter, actual[i].Parameter);
            Assert.Equal(expected[i].Importance, actual[i].Importance, 9);
            Assert.Equal(expected[i].Levels, actual[i].Levels);
        }
    }

    private static Trial T(int index, TrialPhase phase, params double[] curve) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"j-{index}" },
        Spec = new TrialSpec { Index = index, Params = new() { ["a"] = index } },
        Status = new TrialStatus { Phase = phase, Observations = [.. curve.Select((v, e) => new Observation { Epoch = e + 1, Value = v })] },
    };

    [Fact]
    public void Rows_are_the_finished_trials_at_the_deepest_epoch_half_of_them_reached()
    {
        // 6 finished: 4 reached epoch 3, 2 were stopped at epoch 1; the running trial is left out.
        Trial[] trials =
        [
            T(0, TrialPhase.Succeeded, 0.1, 0.2, 0.3), T(1, TrialPhase.Succeeded, 0.1, 0.3, 0.5), T(2, TrialPhase.Succeeded, 0.2, 0.4, 0.6),
            T(3, TrialPhase.Succeeded, 0.1, 0.1, 0.2), T(4, TrialPhase.EarlyStopped, 0.05), T(5, TrialPhase.EarlyStopped, 0.04),
            T(6, TrialPhase.Running, 0.9, 0.9, 0.9, 0.9),
        ];
        var rows = ParameterImportance.RowsAtCommonEpoch(trials);
        Assert.Equal([0.3, 0.5, 0.6, 0.2], rows.Select(r => r.Objective));
        // With only 2 of 5 past epoch 1 the common epoch is 1, and every finished trial counts.
        var fewer = ParameterImportance.RowsAtCommonEpoch([.. trials.Take(2), trials[4], trials[5], T(7, TrialPhase.EarlyStopped, 0.3)]);
        Assert.Equal([0.1, 0.1, 0.05, 0.04, 0.3], fewer.Select(r => r.Objective));
        Assert.Empty(ParameterImportance.RowsAtCommonEpoch([trials[0], trials[1]]));
    }
}
