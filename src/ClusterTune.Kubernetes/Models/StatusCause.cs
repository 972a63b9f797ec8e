namespace ClusterTune.Kubernetes.Models;

/// <summary>One cause of an error, e.g. a FieldValueInvalid on metadata.resourceVersion.</summary>
public sealed class StatusCause
{
    public string? Reason { get; set; }
    public string? Message { get; set; }
    public string? Field { get; set; }
}
