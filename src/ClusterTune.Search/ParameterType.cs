namespace ClusterTune.Search;

/// <summary>The kind of values a search-space parameter takes.</summary>
public enum ParameterType
{
    Int,
    Float,
    Categorical,
}
