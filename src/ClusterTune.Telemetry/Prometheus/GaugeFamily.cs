namespace ClusterTune.Telemetry.Prometheus;

/// <summary>A gauge metric with labelled series.</summary>
public sealed class GaugeFamily : LabelledFamily<Gauge>
{
    internal GaugeFamily(string name, string help, IReadOnlyList<string> labelNames)
        : base(name, help, MetricType.Gauge, labelNames)
    {
    }

    private protected override Gauge CreateChild() => new();

    private protected override void CollectChild(Gauge child, string[] labelValues, List<MetricSample> into) =>
        into.Add(new MetricSample(Name, Zip(LabelNames, labelValues), child.Value));
}
