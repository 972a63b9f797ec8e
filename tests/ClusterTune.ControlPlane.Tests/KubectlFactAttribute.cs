namespace ClusterTune.ControlPlane.Tests;

/// <summary>A fact that is skipped, with the reason, when the real kubectl binary is not installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public const string KubectlPath = "/usr/bin/kubectl";

    public KubectlFactAttribute()
    {
        if (!File.Exists(KubectlPath))
        {
            Skip = $"{KubectlPath} is not installed; the kubectl end-to-end test needs the real binary";
        }
    }
}
