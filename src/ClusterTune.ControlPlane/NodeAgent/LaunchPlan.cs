namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>How to start a container as a process: resolved executable first, host paths already mapped.</summary>
internal sealed record LaunchPlan(
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string WorkingDirectory,
    PathMapper Paths);
