namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Maps a path as the container sees it (e.g. /data) to where it lives on this host.</summary>
/// <param name="ContainerPrefix">An absolute container path; it matches itself and anything below it.</param>
/// <param name="HostPrefix">The host path that replaces <paramref name="ContainerPrefix"/>.</param>
public sealed record PathMapping(string ContainerPrefix, string HostPrefix);
