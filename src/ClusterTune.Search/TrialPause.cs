namespace ClusterTune.Search;

/// <summary>A running trial that reached its rung's resource: checkpoint and pause it (ASHA promote mode).</summary>
public sealed record TrialPause(int Index, double Rung);
