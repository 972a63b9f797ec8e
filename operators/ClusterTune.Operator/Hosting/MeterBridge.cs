using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClusterTune.Telemetry.Prometheus;

namespace ClusterTune.Operator.Hosting;

/// <summary>
/// Orleans' own metrics (meter "Microsoft.Orleans": activations, grain calls, messaging, membership, directory) and
/// the .NET runtime's (meter "System.Runtime": process CPU, GC, JIT, thread pool, memory) on the silo's /metrics:
/// each counter becomes orleans_*_total / dotnet_*_total and each gauge or up-down counter orleans_* / dotnet_*,
/// summed over its tags (e.g. orleans_grains is the silo's activations of every grain type, and
/// dotnet_process_cpu_time_seconds_total its user plus system CPU), with the unit as Prometheus' suffix for seconds
/// and bytes. Histograms are left out: their latency shows as clustertune_operator_reconcile_duration_seconds and
/// the OTLP request metrics.
/// </summary>
public sealed class MeterBridge : IDisposable
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

    /// <summary>The meter the .NET runtime publishes on (built in since .NET 9).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    private readonly MeterListener _listener = new();
    private readonly MetricRegistry _registry;
    private readonly ConcurrentDictionary<Counter, double> _observedTotals = new();
    private readonly Dictionary<string, object> _families = new(StringComparer.Ordinal);
    private readonly List<Gauge> _observedGauges = [];

    // Where one instrument's measurements go, decided once when it is published (passed back as the listener's state).
    private enum Mode { Add, Set, ObservedTotal }

    private sealed record Target(Counter? Counter, Gauge? Gauge, Mode Mode);

    /// <summary>Starts listening; values are current at every scrape of <paramref name="registry"/>.</summary>
    public MeterBridge(MetricRegistry registry)
    {
        _registry = registry;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name is not (MeterName or RuntimeMeterName) || Family(instrument) is not { } f)
            {
                return;
            }

            Target target;
            // Instruments of the same name (several silos in one test process) share one series.
            lock (_families)
            {
                if (!_families.TryGetValue(f.Name, out var family))
                {
                    _families[f.Name] = family = f.Counter ? _registry.CreateCounter(f.Name, Help(instrument)).WithLabels() : _registry.CreateGauge(f.Name, Help(instrument)).WithLabels();
                }

                var sets = instrument.GetType().GetGenericTypeDefinition() == typeof(Gauge<>);
                target = family is Counter c
                    ? new Target(c, null, instrument.IsObservable ? Mode.ObservedTotal : Mode.Add)
                    : new Target(null, (Gauge)family, sets ? Mode.Set : Mode.Add);
                if (target.Gauge is { } g && instrument.IsObservable && !_observedGauges.Contains(g))
                {
                    _observedGauges.Add(g);
                }
            }
            listener.EnableMeasurementEvents(instrument, target);
        };
        _listener.SetMeasurementEventCallback<long>((_, v, _, state) => Record(state, v));
        _listener.SetMeasurementEventCallback<int>((_, v, _, state) => Record(state, v));
        _listener.SetMeasurementEventCallback<double>((_, v, _, state) => Record(state, v));
        _listener.Start();
        // Observable instruments report when asked: sum their tags afresh at each scrape.
        registry.AddCollectCallback(() =>
        {
            lock (_families)
            {
                foreach (var g in _observedGauges)
                {
                    g.Set(0);
                }
            }

            _observedTotals.Clear();
            _listener.RecordObservableInstruments();
            foreach (var (c, total) in _observedTotals)
            {
                if (total > c.Value)
                {
                    c.Inc(total - c.Value);
                }
            }
        });
    }

    /// <summary>The Prometheus name of an instrument and whether it is a counter; null for histograms.</summary>
    public static (string Name, bool Counter)? Family(Instrument instrument)
    {
        var name = instrument.Name.Replace('-', '_').Replace('.', '_');
        var unit = instrument.Unit switch { "s" => "_seconds", "By" => "_bytes", _ => "" };
        if (!name.EndsWith(unit, StringComparison.Ordinal))
        {
            name += unit;
        }

        var type = instrument.GetType().GetGenericTypeDefinition();
        if (type == typeof(Counter<>) || type == typeof(ObservableCounter<>))
        {
            return (name + "_total", true);
        }

        if (type == typeof(UpDownCounter<>) || type == typeof(ObservableUpDownCounter<>) || type == typeof(ObservableGauge<>) || type == typeof(Gauge<>))
        {
            return (name, false);
        }

        return null;
    }

    private static string Help(Instrument i) => string.IsNullOrEmpty(i.Description) ? $"{i.Meter.Name} {i.Name} ({i.Unit})" : i.Description;

    // On the path of every bridged measurement: no lookups, the target came with the instrument.
    private void Record(object? state, double value)
    {
        if (state is not Target t)
        {
            return;
        }

        switch (t.Mode)
        {
            // Observable counters report running totals, summed over tags (and same-named instruments) at the scrape.
            case Mode.ObservedTotal:
                _observedTotals.AddOrUpdate(t.Counter!, value, (_, sum) => sum + value);
                break;
            case Mode.Set:
                t.Gauge!.Set(value);
                break;
            default:
                if (t.Counter is { } c)
                {
                    c.Inc(value);
                }
                else
                {
                    t.Gauge!.Inc(value);
                }

                break;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();
}
