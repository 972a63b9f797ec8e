using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>One objective value at an epoch (and optimizer step): what the stopping rules compare.</summary>
public sealed class Observation
{
    [RequiredField, Minimum(0)]
    public int Epoch { get; set; }

    [Minimum(0)]
    public long? Step { get; set; }

    [RequiredField]
    public double Value { get; set; }
}
