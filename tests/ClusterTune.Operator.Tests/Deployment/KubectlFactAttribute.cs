namespace ClusterTune.Operator.Tests.Deployment;

/// <summary>A fact that needs the real kubectl (with its built-in kustomize); skipped with the reason when it is missing.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null) Skip = "kubectl not found on PATH: it renders the kustomize base (kubectl kustomize) and applies it";
    }
}
