using System.Net;
using ClusterTune.Api.Contract;
using ClusterTune.Operator.Grains;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>The rule that places job grains, splits event routing and decides which shards a silo caches (shards dealt by weighted rendezvous with a capacity).</summary>
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
    public void Every_silo_owns_its_share_of_shards_and_when_one_leaves_its_shards_move_and_few_others_do()
    {
        var all = new[] { Silo(11111), Silo(11112), Silo(11113) };
        var before = JobPartition.Assign(all)!;
        Assert.All(all, s => Assert.Equal(JobShards.Count / 3, before.Count(o => o == s)));
        var dead = all[1];
        var after = JobPartition.Assign(all.Where(s => s != dead))!;
        Assert.All(all.Where(s => s != dead), s => Assert.Equal(JobShards.Count / 2, after.Count(o => o == s)));

        var kept = Enumerable.Range(0, JobShards.Count).Count(i => before[i] != dead && before[i] == after[i]);
        Assert.InRange(kept, 0.9 * (JobShards.Count * 2 / 3), JobShards.Count * 2 / 3); // a survivor keeps ≥ 90 % of its shards
        var seven = Enumerable.Range(0, 7).Select(i => Silo(11111 + i)).ToArray();
        Assert.All(seven, s => Assert.InRange(JobPartition.Assign(seven)!.Count(o => o == s), JobShards.Count / 7, (JobShards.Count / 7) + 1));
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
