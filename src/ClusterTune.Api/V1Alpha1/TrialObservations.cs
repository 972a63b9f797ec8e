namespace ClusterTune.Api.V1Alpha1;

/// <summary>Keeps a Trial's observation list short and well-formed whatever order metric points arrive in.</summary>
public static class TrialObservations
{
    /// <summary>
    /// Merges <paramref name="incoming"/> into <paramref name="existing"/>: one point per epoch (a duplicate or
    /// replayed point with a lower step never replaces a later one), NaN/infinite values dropped, sorted by epoch,
    /// and the oldest epochs dropped beyond <paramref name="cap"/>. Returns a new list; the inputs are not changed.
    /// </summary>
    public static List<Observation> Merge(IEnumerable<Observation>? existing, IEnumerable<Observation> incoming, int cap = TrialStatus.MaxObservations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        var byEpoch = new SortedDictionary<int, Observation>();
        foreach (var o in (existing ?? []).Concat(incoming))
        {
            if (!double.IsFinite(o.Value) || o.Epoch < 0)
            {
                continue;
            }

            if (byEpoch.TryGetValue(o.Epoch, out var kept) && (o.Step ?? -1) < (kept.Step ?? -1))
            {
                continue;
            }

            byEpoch[o.Epoch] = new Observation { Epoch = o.Epoch, Step = o.Step, Value = o.Value };
        }
        return byEpoch.Values.Skip(Math.Max(0, byEpoch.Count - cap)).ToList();
    }

    /// <summary>Whether merging would change the list (lets a reconciler skip a status write that changes nothing).</summary>
    public static bool WouldChange(IReadOnlyList<Observation>? existing, IEnumerable<Observation> incoming, int cap = TrialStatus.MaxObservations)
    {
        var merged = Merge(existing, incoming, cap);
        if (merged.Count != (existing?.Count ?? 0))
        {
            return true;
        }

        for (var i = 0; i < merged.Count; i++)
        {
            var a = merged[i];
            var b = existing![i];
            if (a.Epoch != b.Epoch || a.Step != b.Step || !a.Value.Equals(b.Value))
            {
                return true;
            }
        }
        return false;
    }
}
