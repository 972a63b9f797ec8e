using ClusterTune.Search.Internal;

namespace ClusterTune.Search.Sampling;

/// <summary>Independent uniform draws (on each parameter's scale), seeded by (seed, trial index): stateless.</summary>
internal sealed class RandomSampler(SearchSpace space, ulong seed) : ISampler
{
    public IReadOnlyDictionary<string, object>? Suggest(int index, IReadOnlyList<TrialView> history, IReadOnlyList<IReadOnlyDictionary<string, object>> batch) =>
        UnitAssignment.RandomFeasible(space, new Rng(seed, (ulong)index, 0x52414E44UL));
}
