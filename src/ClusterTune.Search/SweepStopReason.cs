namespace ClusterTune.Search;

/// <summary>Why the whole sweep stopped; the operator turns these into condition reasons.</summary>
public enum SweepStopReason
{
    TargetReached,
    NotImproving,
    MaxTrialsReached,
    MaxFailedTrialsReached,
    MaxDurationReached,
    MaxGpuHoursReached,
    SearchSpaceExhausted,
}
