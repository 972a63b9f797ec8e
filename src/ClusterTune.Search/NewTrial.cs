namespace ClusterTune.Search;

/// <summary>A trial to create: its index, parameters, the resource to train to now, and its Hyperband bracket.</summary>
public sealed record NewTrial(int Index, IReadOnlyDictionary<string, object> Params, double Budget, int Bracket)
{
    /// <summary>The trial's own training seed (<see cref="Repeats.TrialSeeds"/>): no two trials train identically.</summary>
    public int Seed { get; init; }

    /// <summary>True when this trial repeats an earlier trial's setting on purpose (seedsPerConfig), with its own seed.</summary>
    public bool Replica { get; init; }
}
