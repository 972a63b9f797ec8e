namespace ClusterTune.Telemetry.Prometheus;

/// <summary>A counter metric with labelled series.</summary>
public sealed class CounterFamily : LabelledFamily<Counter>
{
    internal CounterFamily(string name, string help, IReadOnlyList<string> labelNames)
        : base(name, help, MetricType.Counter, labelNames)
    {
    }

    private protected override Counter CreateChild() => new();

    private protected override void CollectChild(Counter child, string[] labelValues, List<MetricSample> into) =>
        into.Add(new MetricSample(Name, Zip(LabelNames, labelValues), child.Value));
}
