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
    [Description("With algorithm.seedsPerConfig > 1: the mean objective over the finished seeds of this setting (the setting is chosen by it).")]
    public double? ObjectiveMean { get; set; }
    [Description("With algorithm.seedsPerConfig > 1: the sample standard deviation over those seeds (0 for one seed).")]
    public double? ObjectiveStdDev { get; set; }
    [Description("With algorithm.seedsPerConfig > 1: how many seeds of this setting finished.")]
    public int? Seeds { get; set; }
}
