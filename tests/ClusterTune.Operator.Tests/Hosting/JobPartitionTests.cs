using System.Net;
using ClusterTune.Operator.Grains;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>The rule that places job grains and splits event routing between silos (rendezvous hashing).</summary>
public sealed class JobPartitionTests
{
    private static readonly string[] Jobs = [.. Enumerable.Range(0, 3000).Select(i => $"default/scale-{i:0000}")];

    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Jobs_spread_within_ten_percent_of_even(int silos)
    {
        var all = Enumerable.Range(0, silos).Select(i => Silo(11111 + i)).ToArray();
        var counts = Jobs.GroupBy(j => JobPartition.Owner(j, all)).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(silos, counts.Count);
        var even = (double)Jobs.Length / silos;
        Assert.All(counts.Values, c => Assert.InRange(c, 0.9 * even, 1.1 * even));
    }

    [Fact]
    public void Every_silo_decides_alike_whatever_order_it_lists_the_members_in()
    {
        var all = new[] { Silo(11111), Silo(11112), Silo(11113) };
        var reversed = all.Reverse().ToArray();
        Assert.All(Jobs, j => Assert.Equal(JobPartition.Owner(j, all), JobPartition.Owner(j, reversed)));
    }

    [Fact]
    public void When_a_silo_leaves_only_its_jobs_move_and_they_spread_over_the_survivors()
    {
        var all = new[] { Silo(11111), Silo(11112), Silo(11113) };
        var dead = all[1];
        var survivors = all.Where(s => s != dead).ToArray();
        var moved = new Dictionary<SiloAddress, int>();
        foreach (var j in Jobs)
        {
            var before = JobPartition.Owner(j, all)!;
            var after = JobPartition.Owner(j, survivors)!;
            if (before != dead)
            {
                Assert.Equal(before, after);
            }
            else
            {
                moved[after] = moved.GetValueOrDefault(after) + 1;
            }
        }
        Assert.Equal(2, moved.Count);
        Assert.InRange(moved.Values.Min() / (double)moved.Values.Max(), 0.8, 1.0);
    }

    [Fact]
    public void A_restarted_silo_is_a_new_member_and_no_silo_means_no_owner()
    {
        var first = new[] { Silo(11111, 1), Silo(11112) };
        var restarted = new[] { Silo(11111, 2), Silo(11112) };
        Assert.Contains(Jobs, j => JobPartition.Owner(j, first) != JobPartition.Owner(j, restarted) && JobPartition.Owner(j, first) == first[0]);
        Assert.Null(JobPartition.Owner("default/a", Array.Empty<SiloAddress>()));
    }
}
