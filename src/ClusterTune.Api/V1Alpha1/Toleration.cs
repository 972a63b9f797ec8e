using System.ComponentModel;
namespace ClusterTune.Api.V1Alpha1;

/// <summary>core/v1 Toleration.</summary>
public sealed class Toleration
{
    public string? Key { get; set; }
    [Description("\"Equal\" (default) or \"Exists\".")]
    public string? Operator { get; set; }
    public string? Value { get; set; }
    [Description("\"NoSchedule\", \"PreferNoSchedule\" or \"NoExecute\"; empty matches all.")]
    public string? Effect { get; set; }
    public long? TolerationSeconds { get; set; }
}
