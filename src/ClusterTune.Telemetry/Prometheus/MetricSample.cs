namespace ClusterTune.Telemetry.Prometheus;

/// <summary>One exposition line: sample name (family name plus suffix), labels and value.</summary>
internal readonly record struct MetricSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value);
