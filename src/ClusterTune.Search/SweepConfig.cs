namespace ClusterTune.Search;

/// <summary>
/// Everything that shapes a sweep besides its space: objective direction, sampler, early stopping, sweep stops and
/// MaxResource, the full per-trial resource (epochs or steps) in the same unit as observation steps.
/// </summary>
public sealed record SweepConfig(
    ObjectiveDirection Direction,
    AlgorithmConfig Algorithm,
    EarlyStoppingConfig EarlyStopping,
    SweepStopConfig Stop,
    double MaxResource)
{
    /// <summary>
    /// Trials per setting, each with its own seed (1 = every trial a new setting). Trial i repeats the setting of
    /// trial i − (i mod SeedsPerConfig), so the groups are fixed by index alone.
    /// </summary>
    public int SeedsPerConfig { get; init; } = 1;

    /// <summary>
    /// Warm start: finished trials of earlier sweeps over a compatible space. The sampler and the early-stopping rules
    /// learn from them as from this sweep's own trials; they never count towards maxTrials, stops or the best trial.
    /// Their indices are ignored (the policy numbers them below zero).
    /// </summary>
    public IReadOnlyList<TrialRecord> Prior { get; init; } = [];
}
