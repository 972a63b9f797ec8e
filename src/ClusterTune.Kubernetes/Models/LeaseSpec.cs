using System.Text.Json.Serialization;
using ClusterTune.Kubernetes.Serialization;

namespace ClusterTune.Kubernetes.Models;

/// <summary>The lease record; times are MicroTime (RFC 3339 with exactly six fractional digits).</summary>
public sealed class LeaseSpec
{
    public string? HolderIdentity { get; set; }
    public int? LeaseDurationSeconds { get; set; }
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? AcquireTime { get; set; }
    [JsonConverter(typeof(MicroTimeConverter))]
    public DateTimeOffset? RenewTime { get; set; }
    public int? LeaseTransitions { get; set; }
}
