using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>GPUs in a trainer's core/v1 ResourceRequirements.</summary>
public static class Gpus
{
    /// <summary>The extended resource name of NVIDIA GPUs.</summary>
    public const string NvidiaGpu = "nvidia.com/gpu";

    /// <summary>GPUs per trial pod (limits first, then requests; 0 when none or not an integer) — what GPU-hours count.</summary>
    public static long GpuCount(this V1ResourceRequirements? resources)
    {
        if (Integer(resources?.Limits) is { } fromLimit)
        {
            return fromLimit;
        }

        return Integer(resources?.Requests) ?? 0;
    }

    /// <summary>The nvidia.com/gpu quantity when it is a whole non-negative number, else null.</summary>
    public static long? Integer(IDictionary<string, ResourceQuantity>? quantities) =>
        quantities is not null && quantities.TryGetValue(NvidiaGpu, out var q) && q is not null && IsWhole(q, out var n) ? n : null;

    /// <summary>True when the quantity is a whole non-negative number (how extended resources like GPUs are counted).</summary>
    public static bool IsWhole(ResourceQuantity q, out long value)
    {
        var d = q.ToDecimal();
        value = d >= 0 && d == decimal.Truncate(d) && d <= long.MaxValue ? (long)d : -1;
        return value >= 0;
    }
}
