using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>Chooses the parameters of trial <c>index</c> from the cleaned history; null when it has nothing left.</summary>
internal interface ISampler
{
    /// <param name="batch">Assignments already handed out in this decision (not yet in the history): parallel suggestions must differ from them.</param>
    IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch);
}
