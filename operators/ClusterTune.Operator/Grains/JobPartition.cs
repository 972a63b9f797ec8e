using ClusterTune.Api.Contract;

namespace ClusterTune.Operator.Grains;

/// <summary>
/// Which silo owns a job: the owner of the job's shard (<see cref="JobShards"/>). The shards are dealt to the active
/// silos by weighted rendezvous with a capacity: every (silo, shard) pair gets a stable random weight, and in order of
/// weight each shard goes to its silo while that silo holds fewer than its share (⌊shards/N⌋, then one more for the
/// remainder). So every silo owns the same number of shards (±1), every silo computes the same answer from the same
/// membership, and when a silo leaves or joins only about its share of shards moves. The one rule behind the placement of
/// a job's grain (<see cref="JobPartitionPlacementDirector"/>), the routing of informer events and which Trials and pods a
/// silo's caches list (<see cref="Hosting.SiloController"/>), so a grain always lives where its trials are cached.
/// </summary>
public static class JobPartition
{
    /// <summary>The owner of every shard among <paramref name="silos"/> (identified by any stable string), or null when there are none.</summary>
    public static T[]? Assign<T>(IEnumerable<T> silos, Func<T, string> idOf) where T : class
    {
        var members = silos.Select(s => (Silo: s, Id: idOf(s))).DistinctBy(m => m.Id).ToArray();
        if (members.Length == 0)
        {
            return null;
        }

        var pairs = new (ulong Weight, int Member, int Shard)[members.Length * JobShards.Count];
        for (var m = 0; m < members.Length; m++)
        {
            var seed = Api.Contract.StableHash.Fnv1a(members[m].Id);
            for (var shard = 0; shard < JobShards.Count; shard++)
            {
                pairs[(m * JobShards.Count) + shard] = (Api.Contract.StableHash.Mix(Api.Contract.StableHash.Fnv1a($"#{shard}", seed)), m, shard);
            }
        }
        // Heaviest first; ties (practically impossible) by id, so the order of the list never matters.
        Array.Sort(pairs, (a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight)
            : a.Shard != b.Shard ? a.Shard.CompareTo(b.Shard) : string.CompareOrdinal(members[a.Member].Id, members[b.Member].Id));
        var owner = new int[JobShards.Count];
        Array.Fill(owner, -1);
        var load = new int[members.Length];
        var share = JobShards.Count / members.Length;
        foreach (var cap in new[] { share, share + 1 })
        {
            foreach (var (_, m, shard) in pairs)
            {
                if (owner[shard] < 0 && load[m] < cap)
                {
                    owner[shard] = m;
                    load[m]++;
                }
            }
        }
        return [.. owner.Select(m => members[m].Silo)];
    }

    /// <summary>The owner of <paramref name="job"/> ("namespace/name") among <paramref name="silos"/>, or null when there are none.</summary>
    public static T? Owner<T>(string job, IEnumerable<T> silos, Func<T, string> idOf) where T : class =>
        Assign(silos, idOf)?[JobShards.Of(job)];

    /// <summary>The owner among Orleans silos (their parsable address, which includes the generation).</summary>
    public static SiloAddress? Owner(string job, IEnumerable<SiloAddress> silos) => Owner(job, silos, Id);

    /// <summary>The owner of every shard among Orleans silos, or null when there are none.</summary>
    public static SiloAddress[]? Assign(IEnumerable<SiloAddress> silos) => Assign(silos, Id);

    private static string Id(SiloAddress silo) => silo.ToParsableString();
}
