namespace ClusterTune.Telemetry.Prometheus;

/// <summary>A histogram metric with labelled series sharing one set of bucket bounds.</summary>
public sealed class HistogramFamily : LabelledFamily<Histogram>
{
    private readonly double[] _bounds;
    private readonly string[] _boundText;

    internal HistogramFamily(string name, string help, IReadOnlyList<double> buckets, IReadOnlyList<string> labelNames)
        : base(name, help, MetricType.Histogram, labelNames)
    {
        if (labelNames.Contains("le"))
        {
            throw new ArgumentException($"histogram {name}: the label name 'le' is reserved for buckets", nameof(labelNames));
        }
        if (buckets.Count == 0)
        {
            throw new ArgumentException($"histogram {name}: give at least one bucket bound", nameof(buckets));
        }
        for (int i = 0; i < buckets.Count; i++)
        {
            if (!double.IsFinite(buckets[i]) || (i > 0 && buckets[i] <= buckets[i - 1]))
            {
                throw new ArgumentException($"histogram {name}: bucket bounds must be finite and strictly increasing (bound #{i} = {buckets[i]})", nameof(buckets));
            }
        }
        _bounds = buckets.ToArray();
        _boundText = _bounds.Select(b => PrometheusTextRenderer.FormatValue(b)).Append("+Inf").ToArray();
    }

    /// <summary>Upper bounds of the finite buckets.</summary>
    public IReadOnlyList<double> Buckets => _bounds;

    private protected override Histogram CreateChild() => new(_bounds);

    private protected override void CollectChild(Histogram child, string[] labelValues, List<MetricSample> into)
    {
        var (cumulative, sum, count) = child.Snapshot();
        var labels = Zip(LabelNames, labelValues);
        for (int i = 0; i < cumulative.Length; i++)
        {
            var withLe = labels.Append(new KeyValuePair<string, string>("le", _boundText[i])).ToArray();
            into.Add(new MetricSample(Name + "_bucket", withLe, cumulative[i]));
        }
        into.Add(new MetricSample(Name + "_sum", labels, sum));
        into.Add(new MetricSample(Name + "_count", labels, count));
    }

    /// <summary>Default buckets for durations in seconds (5 ms … 60 s).</summary>
    public static IReadOnlyList<double> DurationSecondsBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Default buckets for payload sizes in bytes (256 B … 16 MiB).</summary>
    public static IReadOnlyList<double> SizeBytesBuckets { get; } =
        Enumerable.Range(0, 8).Select(i => Math.Pow(4, i) * 256).ToArray();
}
