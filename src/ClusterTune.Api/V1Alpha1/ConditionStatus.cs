namespace ClusterTune.Api.V1Alpha1;

/// <summary>Values of metav1.Condition.status.</summary>
public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
