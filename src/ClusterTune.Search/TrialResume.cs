namespace ClusterTune.Search;

/// <summary>A paused trial promoted to the next rung: resume it from its checkpoint and train to <see cref="Budget"/>.</summary>
public sealed record TrialResume(int Index, double Budget);
