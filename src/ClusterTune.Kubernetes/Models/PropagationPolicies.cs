namespace ClusterTune.Kubernetes.Models;

/// <summary>How deleting an owner treats its dependents.</summary>
public static class PropagationPolicies
{
    public const string Orphan = "Orphan";
    public const string Background = "Background";
    public const string Foreground = "Foreground";
}
