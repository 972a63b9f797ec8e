using FsCheck;
using FsCheck.Fluent;

namespace ClusterTune.Search.Tests;

public sealed class ParetoFrontTests
{
    private static readonly ObjectiveDirection[] MinMax = [ObjectiveDirection.Minimize, ObjectiveDirection.Maximize];

    [Fact]
    public void Front_of_loss_and_accuracy()
    {
        IReadOnlyList<double>[] v = [[0.5, 0.90], [0.4, 0.85], [0.6, 0.88], [0.4, 0.90], [double.NaN, 0.99]];
        // [0.4, 0.90] dominates the first three; the NaN vector is never on the front.
        Assert.Equal([3], ParetoFront.NonDominated(v, MinMax));
    }

    [Fact]
    public void Mismatched_lengths_are_an_error()
    {
        Assert.Throws<ArgumentException>(() => ParetoFront.NonDominated([[1.0]], MinMax));
    }

    [Fact]
    public void Front_members_are_undominated_and_everything_else_is_dominated_by_a_member()
    {
        var vec = Gen.Choose(0, 20).Two().Select(t => (IReadOnlyList<double>)[t.Item1, t.Item2]);
        var prop = Prop.ForAll(Gen.ListOf(vec).Select(l => l.ToList()).ToArbitrary(), list =>
        {
            var front = ParetoFront.NonDominated(list, MinMax);
            var loss = list.Select(v => (IReadOnlyList<double>)[v[0], -v[1]]).ToList();
            var inFront = front.ToHashSet();
            return front.All(i => !loss.Any(o => ParetoFront.Dominates(o, loss[i])))
                && Enumerable.Range(0, list.Count).Where(i => !inFront.Contains(i)).All(i => front.Any(f => ParetoFront.Dominates(loss[f], loss[i])));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), prop);
    }
}
