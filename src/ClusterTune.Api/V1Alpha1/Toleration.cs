namespace ClusterTune.Api.V1Alpha1;

/// <summary>core/v1 Toleration.</summary>
public sealed class Toleration
{
    public string? Key { get; set; }
    /// <summary>"Equal" (default) or "Exists".</summary>
    public string? Operator { get; set; }
    public string? Value { get; set; }
    /// <summary>"NoSchedule", "PreferNoSchedule" or "NoExecute"; empty matches all.</summary>
    public string? Effect { get; set; }
    public long? TolerationSeconds { get; set; }
}
