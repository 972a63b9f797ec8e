using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>One trial checkpoint kept by top-k retention.</summary>
public sealed class RetainedCheckpoint
{
    [RequiredField]
    public string Trial { get; set; } = "";
    public double? Objective { get; set; }
    [RequiredField]
    public string Uri { get; set; } = "";
}
