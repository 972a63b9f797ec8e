using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The best trial so far: its name, parameters, objective and checkpoint.</summary>
public sealed class BestTrial
{
    [RequiredField]
    public string Name { get; set; } = "";
    public int? Index { get; set; }
    public Dictionary<string, ParamValue>? Params { get; set; }
    public double? Objective { get; set; }
    [Description("The trial's own best checkpoint.")]
    public string? CheckpointUri { get; set; }
    [Description("Where it was promoted (spec.checkpoints.promotePath) once promotion succeeded.")]
    public string? PromotedUri { get; set; }
    [Description("SHA-256 of the promoted checkpoint, as written in its provenance file.")]
    public string? Sha256 { get; set; }
}
