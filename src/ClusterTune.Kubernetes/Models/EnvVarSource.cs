namespace ClusterTune.Kubernetes.Models;

/// <summary>Where an env var's value comes from (only fieldRef is modelled).</summary>
public sealed class EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; set; }
}
