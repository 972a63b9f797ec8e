using ClusterTune.Telemetry.Prometheus;

namespace ClusterTune.Telemetry.Catalog;

/// <summary>One catalog entry: the OTel-style name and unit, and the Prometheus name derived from them.</summary>
/// <param name="OtelName">Dotted OTel name, e.g. clustertune.operator.reconcile.duration.</param>
/// <param name="Unit">UCUM unit ("" for dimensionless values that are not ratios, such as a loss).</param>
/// <param name="Type">Counter, gauge or histogram.</param>
/// <param name="Help">HELP text.</param>
/// <param name="Labels">Label names, in order.</param>
public sealed record MetricDefinition(string OtelName, string Unit, MetricType Type, string Help, IReadOnlyList<string> Labels)
{
    /// <summary>The exposed name: dots → underscores, unit suffix, _total on counters.</summary>
    public string PrometheusName => PrometheusNaming.MetricName(OtelName, Unit, Type);
}
