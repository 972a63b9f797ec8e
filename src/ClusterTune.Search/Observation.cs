namespace ClusterTune.Search;

/// <summary>One intermediate objective value reported at a step or epoch (the resource unit of the sweep).</summary>
public readonly record struct Observation(double Step, double Value);
