namespace ClusterTune.Search;

/// <summary>Which trial scheduler stops or pauses weak trials.</summary>
public enum EarlyStoppingKind
{
    None,
    Median,
    Asha,
    Hyperband,
}
