using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>What the operator knows of spec.searchSpace.constraints before trials start.</summary>
public sealed class ConstraintStatus
{
    [Description("True when the operator evaluates the constraints before a trial starts (the architecture's shape is known); false: only the trainer enforces them.")]
    public bool? CheckedBeforeStart { get; set; }

    [Minimum(0)]
    [Description("Distinct (freezeDepth, loraRank, loraTargets) settings of the search space (absent when too many or continuous to count).")]
    public int? Settings { get; set; }

    [Minimum(0)]
    [Description("How many of those settings violate a constraint: the samplers never propose them.")]
    public int? InfeasibleSettings { get; set; }

    [Description("Human-readable summary of the constraint check.")]
    public string? Message { get; set; }
}
