namespace ClusterTune.Search;

/// <summary>
/// Stop: trials run to the full resource unless they fall out of the top 1/eta at a rung (like Ray Tune).
/// Promote: trials run to a rung and pause; the best 1/eta of each rung resume from their checkpoint (original ASHA).
/// </summary>
public enum AshaMode
{
    Stop,
    Promote,
}
