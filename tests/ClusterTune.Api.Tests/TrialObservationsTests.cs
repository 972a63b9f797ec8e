using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Api.Tests;

public sealed class TrialObservationsTests
{
    private static Observation O(int epoch, double value, long? step = null) => new() { Epoch = epoch, Value = value, Step = step };

    private static string Show(IEnumerable<Observation> list) => string.Join(" ", list.Select(o => $"{o.Epoch}:{o.Value}"));

    public static TheoryData<string, Observation[], Observation[], int, string> Rows() => new()
    {
        { "append in order", [O(1, 0.5)], [O(2, 0.6)], 64, "1:0.5 2:0.6" },
        { "out of order arrival is sorted", [O(3, 0.7)], [O(1, 0.5), O(2, 0.6)], 64, "1:0.5 2:0.6 3:0.7" },
        { "duplicate point is idempotent", [O(1, 0.5, 10)], [O(1, 0.5, 10)], 64, "1:0.5" },
        { "later step of the same epoch wins", [O(1, 0.5, 10)], [O(1, 0.55, 20)], 64, "1:0.55" },
        { "replayed earlier step does not win", [O(1, 0.55, 20)], [O(1, 0.5, 10)], 64, "1:0.55" },
        { "NaN and infinity are dropped", [O(1, 0.5)], [O(2, double.NaN), O(3, double.PositiveInfinity)], 64, "1:0.5" },
        { "cap drops the oldest epochs", [O(1, 0.1), O(2, 0.2)], [O(3, 0.3), O(4, 0.4)], 3, "2:0.2 3:0.3 4:0.4" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Merge(string name, Observation[] existing, Observation[] incoming, int cap, string expected)
    {
        var merged = TrialObservations.Merge(existing, incoming, cap);
        Assert.True(expected == Show(merged), $"{name}: got {Show(merged)}");
        Assert.True(merged.Count <= cap);
    }

    [Fact]
    public void Never_exceeds_the_status_cap()
    {
        var many = Enumerable.Range(0, 500).Select(i => O(i, i / 500.0)).ToList();
        var merged = TrialObservations.Merge(null, many);
        Assert.Equal(TrialStatus.MaxObservations, merged.Count);
        Assert.Equal(499, merged[^1].Epoch);
    }

    [Fact]
    public void WouldChange_is_false_for_replays_and_true_for_news()
    {
        var list = TrialObservations.Merge(null, [O(1, 0.5, 10), O(2, 0.6, 20)]);
        Assert.False(TrialObservations.WouldChange(list, [O(2, 0.6, 20), O(1, 0.4, 5)]));
        Assert.True(TrialObservations.WouldChange(list, [O(3, 0.7, 30)]));
        Assert.True(TrialObservations.WouldChange(null, [O(1, 0.5)]));
    }
}
