namespace ClusterTune.Api.V1Alpha1;

/// <summary>core/v1 ResourceRequirements: requests and limits by resource name (cpu, memory, nvidia.com/gpu).</summary>
public sealed class ResourceRequirements
{
    /// <summary>The extended resource name of NVIDIA GPUs.</summary>
    public const string NvidiaGpu = "nvidia.com/gpu";

    public Dictionary<string, Quantity>? Requests { get; set; }
    public Dictionary<string, Quantity>? Limits { get; set; }

    /// <summary>GPUs per trial pod (limits first, then requests; 0 when none or not an integer) — what GPU-hours count.</summary>
    public long GpuCount()
    {
        if (Limits is not null && Limits.TryGetValue(NvidiaGpu, out var l) && l.TryGetInteger(out var fromLimit))
            return fromLimit;
        if (Requests is not null && Requests.TryGetValue(NvidiaGpu, out var r) && r.TryGetInteger(out var fromRequest))
            return fromRequest;
        return 0;
    }
}
