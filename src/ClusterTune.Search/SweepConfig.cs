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
    double MaxResource);
