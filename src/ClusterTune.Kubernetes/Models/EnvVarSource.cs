namespace ClusterTune.Kubernetes.Models;

/// <summary>Where an env var's value comes from: the downward API (fieldRef) or a Secret/ConfigMap key.</summary>
public sealed class EnvVarSource
{
    public ObjectFieldSelector? FieldRef { get; set; }
    public KeyRef? SecretKeyRef { get; set; }
    public KeyRef? ConfigMapKeyRef { get; set; }
}
