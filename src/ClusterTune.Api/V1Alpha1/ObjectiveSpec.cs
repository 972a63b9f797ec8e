using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A metric the sweep optimises: spec.objective, or one entry of spec.objectives.</summary>
public sealed class ObjectiveSpec
{
    /// <summary>Secondary objectives read from the Trial's own status rather than the trainer's metrics.</summary>
    public const string TrainableFraction = "trainableFraction";

    /// <inheritdoc cref="TrainableFraction"/>
    public const string TrainableParameters = "trainableParameters";

    /// <inheritdoc cref="TrainableFraction"/>
    public const string GpuHours = "gpuHours";

    /// <summary>The names above.</summary>
    public static IReadOnlySet<string> StatusMetrics { get; } = new HashSet<string>(StringComparer.Ordinal) { TrainableFraction, TrainableParameters, GpuHours };

    [MaxLength(FieldLimits.MetricName), Description("Evaluation metric name as reported in clustertune.eval.metric{metric=...} (default accuracy).")]
    public string? Metric { get; set; }

    [Description("minimize or maximize (default: minimize for names containing loss or error, else maximize).")]
    public ObjectiveDirection? Direction { get; set; }

    [Description("Stop the sweep (Complete, reason ObjectiveTargetReached) once a trial reaches this value.")]
    public double? Target { get; set; }
}
