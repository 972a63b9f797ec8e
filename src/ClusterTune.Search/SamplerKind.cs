namespace ClusterTune.Search;

/// <summary>How new parameter assignments are chosen.</summary>
public enum SamplerKind
{
    Grid,
    Random,
    Sobol,
    Tpe,
    CmaEs,
}
