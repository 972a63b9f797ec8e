namespace ClusterTune.Search;

/// <summary>How a numeric range is explored: uniformly, or uniformly in its logarithm.</summary>
public enum ParameterScale
{
    Linear,
    Log,
}
