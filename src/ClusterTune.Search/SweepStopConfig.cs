namespace ClusterTune.Search;

/// <summary>
/// When the whole sweep stops; every limit is optional. NotImprovingTrials N: stop once the best objective improved by
/// less than ImprovementFraction (relative, default 1 %) over the last N finished trials (SageMaker-style).
/// MaxFailedTrials N: stop once more than N trials failed (0: the first failure stops the sweep), as the API defines it.
/// </summary>
public sealed record SweepStopConfig
{
    public double? Target { get; init; }
    public int? NotImprovingTrials { get; init; }
    public double ImprovementFraction { get; init; } = 0.01;
    public int? MaxTrials { get; init; }
    public int? MaxFailedTrials { get; init; }
    public TimeSpan? MaxDuration { get; init; }
    public double? MaxGpuHours { get; init; }
}
