using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>What spec.warmStartFrom contributed: the earlier trials that seed the sampler and the early-stopping rungs.</summary>
public sealed class WarmStartStatus
{
    [Minimum(0)]
    [Description("Finished trials of the source jobs used as history (their parameters fit this search space).")]
    public int? Trials { get; set; }

    [Minimum(0)]
    [Description("Finished trials of the source jobs left out (message says why).")]
    public int? Skipped { get; set; }

    [MaxItems(FieldLimits.MaxWarmStartSources)]
    [Description("Source jobs named in spec.warmStartFrom that do not exist in this namespace (the sweep runs without them).")]
    public List<string>? Missing { get; set; }

    [Description("Human-readable summary: per source, trials used and skipped with the reasons.")]
    public string? Message { get; set; }
}
