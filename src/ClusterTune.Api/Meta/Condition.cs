namespace ClusterTune.Api.Meta;

/// <summary>metav1.Condition, the standard status condition shape.</summary>
public sealed class Condition
{
    public string Type { get; set; } = "";
    /// <summary>"True", "False" or "Unknown".</summary>
    public string Status { get; set; } = "Unknown";
    public long? ObservedGeneration { get; set; }
    public DateTimeOffset LastTransitionTime { get; set; }
    public string Reason { get; set; } = "";
    public string Message { get; set; } = "";
}
