namespace ClusterTune.Search;

/// <summary>A running or pending trial to stop, and why.</summary>
public sealed record TrialStop(int Index, TrialStopReason Reason, string Message);
