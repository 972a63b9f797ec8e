namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded ResourceMetrics: who emitted (resource attributes) and what.</summary>
/// <param name="Attributes">Resource attributes as strings (k8s.pod.name, clustertune.trial.id, …).</param>
/// <param name="ScopeMetrics">Metrics grouped by instrumentation scope.</param>
public sealed record OtlpResourceMetrics(IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<OtlpScopeMetrics> ScopeMetrics)
{
    /// <summary>All data points under this resource.</summary>
    public int DataPointCount => ScopeMetrics.Sum(s => s.Metrics.Sum(m => m.DataPointCount));
}
