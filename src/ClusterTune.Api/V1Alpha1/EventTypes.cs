namespace ClusterTune.Api.V1Alpha1;

/// <summary>The two Kubernetes Event types.</summary>
public static class EventTypes
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
