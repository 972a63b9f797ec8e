namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>The resource names the one-node scheduler accounts for.</summary>
internal static class ResourceNames
{
    public const string Cpu = "cpu";
    public const string Memory = "memory";
    public const string Gpu = "nvidia.com/gpu";
    public const string Pods = "pods";

    public static readonly string[] Accounted = [Cpu, Memory, Gpu];
}
