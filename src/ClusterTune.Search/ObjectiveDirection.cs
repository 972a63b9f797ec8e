namespace ClusterTune.Search;

/// <summary>Whether smaller or larger objective values are better.</summary>
public enum ObjectiveDirection
{
    Minimize,
    Maximize,
}
