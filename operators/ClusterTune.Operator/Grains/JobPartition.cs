namespace ClusterTune.Operator.Grains;

/// <summary>
/// Which silo owns a job: rendezvous (highest-random-weight) hashing of the job key over the active silos. The one
/// rule behind both the placement of a job's grain (<see cref="JobPartitionPlacementDirector"/>) and the routing of
/// informer events (<see cref="Hosting.SiloController"/>: a silo touches only the jobs it owns), so in a steady
/// membership an event is handled on the silo that hosts its grain and no silo repeats another's work. When a silo
/// leaves, only its jobs move (to the survivors, spread evenly); when one joins, it takes about 1/N of the jobs from
/// each (their grains stay where they are until they deactivate: a touch reaches them wherever they live).
/// </summary>
public static class JobPartition
{
    /// <summary>The owner of <paramref name="job"/> ("namespace/name") among <paramref name="silos"/> (identified by any stable string), or null when there are none.</summary>
    public static T? Owner<T>(string job, IEnumerable<T> silos, Func<T, string> idOf) where T : class
    {
        T? best = null;
        ulong bestScore = 0;
        var jobHash = Fnv1a(job, 0xcbf29ce484222325UL);
        foreach (var silo in silos)
        {
            var score = Mix(Fnv1a(idOf(silo), jobHash));
            // Ties (practically impossible) go to the smaller id, so every silo decides alike.
            if (best is null || score > bestScore || (score == bestScore && string.CompareOrdinal(idOf(silo), idOf(best)) < 0))
            {
                (best, bestScore) = (silo, score);
            }
        }
        return best;
    }

    /// <summary>The owner among Orleans silos (their parsable address, which includes the generation).</summary>
    public static SiloAddress? Owner(string job, IEnumerable<SiloAddress> silos) => Owner(job, silos, s => s.ToParsableString());

    private static ulong Fnv1a(string s, ulong hash)
    {
        foreach (var c in s)
        {
            hash ^= c;
            hash *= 0x100000001b3UL;
        }
        return hash;
    }

    // splitmix64's finaliser: FNV alone is weak in its high bits for short, similar keys.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
