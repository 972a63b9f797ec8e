using Xunit;

namespace ClusterTune.Testing;

/// <summary>A fact that needs the real kubectl; skipped, with the reason, when it is not on PATH.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null)
        {
            Skip = "kubectl is not on PATH: this test drives the real binary (make deps installs it)";
        }
    }
}
