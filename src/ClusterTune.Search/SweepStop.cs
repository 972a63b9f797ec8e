namespace ClusterTune.Search;

/// <summary>The sweep is over: the reason and a human-readable message.</summary>
public sealed record SweepStop(SweepStopReason Reason, string Message);
