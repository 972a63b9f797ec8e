using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClusterTune.Telemetry.Prometheus;

namespace ClusterTune.Operator.Hosting;

/// <summary>
/// Orleans' own metrics (meter "Microsoft.Orleans": activations, grain calls, messaging, membership, directory) on
/// the silo's /metrics: each counter becomes orleans_*_total and each gauge or up-down counter orleans_*, summed over
/// its tags (e.g. orleans_grains is the silo's activations of every grain type). Histograms are left out: their
/// latency shows as clustertune_operator_reconcile_duration_seconds and the OTLP request metrics.
/// </summary>
public sealed class OrleansMetrics : IDisposable
{
    /// <summary>The Orleans series the shipped dashboards chart (operator-health.json, row "Orleans").</summary>
    public static IReadOnlyList<string> Charted { get; } =
    [
        "orleans_consistent_ring_size", "orleans_catalog_activations", "orleans_catalog_activation_created_total",
        "orleans_catalog_activation_destroyed_total", "orleans_messaging_processing_dispatcher_received_total",
        "orleans_app_requests_timedout_total", "orleans_messaging_sent_dropped_total", "orleans_messaging_sent_failed_total",
        "orleans_messaging_rejected_total",
    ];

    /// <summary>The meter Orleans publishes on.</summary>
    public const string MeterName = "Microsoft.Orleans";

    private readonly MeterListener _listener = new();
    private readonly MetricRegistry _registry;
    private readonly ConcurrentDictionary<Instrument, Counter> _counters = new();
    private readonly ConcurrentDictionary<Instrument, Gauge> _gauges = new();
    private readonly ConcurrentDictionary<Instrument, double> _observedTotals = new();
    private readonly Dictionary<string, object> _families = new(StringComparer.Ordinal);

    /// <summary>Starts listening; values are current at every scrape of <paramref name="registry"/>.</summary>
    public OrleansMetrics(MetricRegistry registry)
    {
        _registry = registry;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name != MeterName || Family(instrument) is not { } f) return;
            // Instruments of the same name (several silos in one test process) share one series.
            lock (_families)
            {
                if (!_families.TryGetValue(f.Name, out var family))
                    _families[f.Name] = family = f.Counter ? _registry.CreateCounter(f.Name, Help(instrument)).WithLabels() : _registry.CreateGauge(f.Name, Help(instrument)).WithLabels();
                if (family is Counter c) _counters[instrument] = c;
                else _gauges[instrument] = (Gauge)family;
            }
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<int>((i, v, _, _) => Record(i, v));
        _listener.SetMeasurementEventCallback<double>((i, v, _, _) => Record(i, v));
        _listener.Start();
        // Observable instruments report when asked: sum their tags afresh at each scrape.
        registry.AddCollectCallback(() =>
        {
            foreach (var g in _gauges.Where(g => g.Key.IsObservable)) g.Value.Set(0);
            _observedTotals.Clear();
            _listener.RecordObservableInstruments();
            foreach (var family in _observedTotals.GroupBy(t => _counters.GetValueOrDefault(t.Key)))
                if (family.Key is { } c && family.Sum(t => t.Value) is var total && total > c.Value) c.Inc(total - c.Value);
        });
    }

    /// <summary>The Prometheus name of an Orleans instrument and whether it is a counter; null for histograms.</summary>
    public static (string Name, bool Counter)? Family(Instrument instrument)
    {
        var name = instrument.Name.Replace('-', '_').Replace('.', '_');
        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>)) return (name + "_total", true);
        if (type == typeof(UpDownCounter<>) || type == typeof(ObservableUpDownCounter<>) || type == typeof(ObservableGauge<>) || type == typeof(Gauge<>)) return (name, false);
        return null;
    }

    private static string Help(Instrument i) => string.IsNullOrEmpty(i.Description) ? $"Orleans {i.Name} ({i.Unit})" : i.Description;

    private void Record(Instrument instrument, double value)
    {
        if (_counters.TryGetValue(instrument, out var c))
        {
            // Observable counters report running totals (summed over tags at the scrape); plain counters increments.
            if (instrument.IsObservable) _observedTotals.AddOrUpdate(instrument, value, (_, sum) => sum + value);
            else c.Inc(value);
        }
        else if (_gauges.TryGetValue(instrument, out var g))
        {
            if (instrument.IsObservable) g.Inc(value);
            else if (instrument.GetType().GetGenericTypeDefinition() == typeof(Gauge<>)) g.Set(value);
            else g.Inc(value);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
