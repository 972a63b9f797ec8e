using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>An environment variable of the trainer container (core/v1 EnvVar subset).</summary>
public sealed class EnvVar
{
    [RequiredField]
    public string Name { get; set; } = "";
    public string? Value { get; set; }
    [Description("Take the value from a Secret or ConfigMap key instead.")]
    public EnvVarSource? ValueFrom { get; set; }
}
