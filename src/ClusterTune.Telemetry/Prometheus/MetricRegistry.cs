namespace ClusterTune.Telemetry.Prometheus;

/// <summary>Thread-safe, in-process set of metric families rendered by <see cref="PrometheusTextRenderer"/>.</summary>
public sealed class MetricRegistry
{
    private readonly object _lock = new();
    private readonly List<MetricFamily> _families = [];
    private readonly List<Action> _callbacks = [];

    /// <summary>Creates and registers a counter family (name should end in _total).</summary>
    public CounterFamily CreateCounter(string name, string help, params string[] labelNames) => Add(new CounterFamily(name, help, labelNames));

    /// <summary>Creates and registers a gauge family.</summary>
    public GaugeFamily CreateGauge(string name, string help, params string[] labelNames) => Add(new GaugeFamily(name, help, labelNames));

    /// <summary>Creates and registers a histogram family with these finite, increasing bucket bounds.</summary>
    public HistogramFamily CreateHistogram(string name, string help, IReadOnlyList<double> buckets, params string[] labelNames) =>
        Add(new HistogramFamily(name, help, buckets, labelNames));

    /// <summary>Creates and registers an info family: one series per key, value 1.</summary>
    public InfoFamily CreateInfo(string name, string help, params string[] keyLabelNames) => Add(new InfoFamily(name, help, keyLabelNames));

    /// <summary>Registers a callback run before every collection (e.g. refresh gauges from operator state).</summary>
    public void AddCollectCallback(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_lock)
        {
            _callbacks.Add(callback);
        }
    }

    /// <summary>The registered families in registration order.</summary>
    public IReadOnlyList<MetricFamily> Families
    {
        get
        {
            lock (_lock)
            {
                return _families.ToArray();
            }
        }
    }

    /// <summary>Runs the collect callbacks and returns every family with its current samples.</summary>
    internal IReadOnlyList<(MetricFamily Family, IReadOnlyList<MetricSample> Samples)> Collect()
    {
        Action[] callbacks;
        MetricFamily[] families;
        lock (_lock)
        {
            callbacks = _callbacks.ToArray();
            families = _families.ToArray();
        }
        foreach (var c in callbacks)
        {
            c();
        }
        return families.Select(f => (f, f.Collect())).ToArray();
    }

    private T Add<T>(T family)
        where T : MetricFamily
    {
        lock (_lock)
        {
            if (_families.Any(f => f.Name == family.Name))
            {
                throw new ArgumentException($"metric {family.Name} is already registered; reuse the existing family", nameof(family));
            }
            _families.Add(family);
        }
        return family;
    }
}
