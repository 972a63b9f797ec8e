using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>One trial of the Pareto front of spec.objectives: no other succeeded trial is at least as good on every objective and better on one.</summary>
public sealed class ParetoMember
{
    [RequiredField]
    public string Name { get; set; } = "";

    public int? Index { get; set; }

    [MaxItems(FieldLimits.MaxObjectives)]
    [Description("The trial's value of each objective, by metric name.")]
    public Dictionary<string, double>? Values { get; set; }
}
