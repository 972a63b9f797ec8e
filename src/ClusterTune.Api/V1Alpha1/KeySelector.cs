using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A key of a Secret or ConfigMap in the job's namespace.</summary>
public sealed class KeySelector
{
    [RequiredField]
    public string Name { get; set; } = "";
    [RequiredField]
    public string Key { get; set; } = "";
    public bool? Optional { get; set; }
}
