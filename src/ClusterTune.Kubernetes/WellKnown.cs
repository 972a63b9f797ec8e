namespace ClusterTune.Kubernetes;

// Values the API defines as strings that KubernetesClient has no constants for.

/// <summary>The values of pod status.phase.</summary>
public static class PodPhases
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Unknown = "Unknown";

    /// <summary>True for phases a pod never leaves.</summary>
    public static bool IsTerminal(string? phase) => phase is Succeeded or Failed;
}

/// <summary>How deleting an owner treats its dependents.</summary>
public static class PropagationPolicies
{
    public const string Orphan = "Orphan";
    public const string Background = "Background";
    public const string Foreground = "Foreground";
}
