namespace ClusterTune.Api.V1Alpha1;

/// <summary>Where an environment variable's value comes from (core/v1 EnvVarSource subset).</summary>
public sealed class EnvVarSource
{
    public KeySelector? SecretKeyRef { get; set; }
    public KeySelector? ConfigMapKeyRef { get; set; }
}
