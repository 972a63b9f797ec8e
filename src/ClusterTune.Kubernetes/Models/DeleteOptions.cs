namespace ClusterTune.Kubernetes.Models;

/// <summary>metav1.DeleteOptions sent as the DELETE body.</summary>
public sealed class DeleteOptions
{
    public string ApiVersion { get; set; } = "v1";
    public string Kind { get; set; } = "DeleteOptions";
    /// <summary>0 force-deletes a pod bound to a node; null keeps the object's own grace period.</summary>
    public long? GracePeriodSeconds { get; set; }
    /// <summary>One of <see cref="PropagationPolicies"/>.</summary>
    public string? PropagationPolicy { get; set; }
    public Preconditions? Preconditions { get; set; }
}
