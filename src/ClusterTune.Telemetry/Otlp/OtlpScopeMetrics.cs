namespace ClusterTune.Telemetry.Otlp;

/// <summary>A decoded ScopeMetrics: the instrumentation scope and its metrics.</summary>
/// <param name="ScopeName">InstrumentationScope.name ("" when absent).</param>
/// <param name="ScopeVersion">InstrumentationScope.version ("" when absent).</param>
/// <param name="Metrics">The metrics.</param>
public sealed record OtlpScopeMetrics(string ScopeName, string ScopeVersion, IReadOnlyList<OtlpMetric> Metrics);
