using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The metric the sweep optimises (one objective in v1alpha1; a list may follow in a later version).</summary>
public sealed class ObjectiveSpec
{
    [MaxLength(FieldLimits.MetricName), Description("Evaluation metric name as reported in clustertune.eval.metric{metric=...} (default accuracy).")]
    public string? Metric { get; set; }

    [Description("minimize or maximize (default: minimize for names containing loss or error, else maximize).")]
    public ObjectiveDirection? Direction { get; set; }

    [Description("Stop the sweep (Complete, reason ObjectiveTargetReached) once a trial reaches this value.")]
    public double? Target { get; set; }
}
