using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Otlp;

namespace ClusterTune.Telemetry.Observations;

/// <summary>Per-series stream state: latest point, reset offset for counters, and a window of seen times for dedupe.</summary>
internal sealed class SeriesState
{
    private readonly Dictionary<ulong, double> _recent = [];
    private readonly Queue<ulong> _order = new();

    public SeriesState(TrialMetricRecord first)
    {
        Metric = first.Metric;
        Attributes = first.Attributes;
        Kind = first.Kind;
        Temporality = first.Temporality;
        IsMonotonic = first.IsMonotonic;
    }

    public string Metric { get; }

    public IReadOnlyDictionary<string, string> Attributes { get; }

    public MetricPointKind Kind { get; }

    public OtlpAggregationTemporality Temporality { get; }

    public bool IsMonotonic { get; }

    public bool HasValue { get; private set; }

    public ulong LastTime { get; private set; }

    public double LastValue { get; private set; }

    public ulong LastStart { get; private set; }

    public double Offset { get; private set; }

    public long Resets { get; private set; }

    public bool IsCounter => Kind == MetricPointKind.Sum && IsMonotonic;

    /// <summary>Corrected running total of a counter: cumulative value plus what earlier (reset) runs reached.</summary>
    public double Total => Temporality == OtlpAggregationTemporality.Delta ? Offset : Offset + (HasValue ? LastValue : 0);

    /// <summary>Remembers the time; false when it was already seen (a duplicate, e.g. a retried export).</summary>
    public bool Remember(ulong time, double value, int window)
    {
        if (!_recent.TryAdd(time, value))
        {
            return false;
        }
        _order.Enqueue(time);
        while (_order.Count > window)
        {
            _recent.Remove(_order.Dequeue());
        }
        return true;
    }

    /// <summary>Applies an in-order point; returns true when it was a counter reset.</summary>
    public bool Apply(ulong start, ulong time, double value)
    {
        bool reset = false;
        if (IsCounter && Temporality == OtlpAggregationTemporality.Delta)
        {
            Offset += value;
        }
        else if (IsCounter && HasValue && ((start != LastStart && start != 0 && LastStart != 0) || value < LastValue))
        {
            // A new start time (or a cumulative value going down) means the producer restarted from zero.
            Offset += LastValue;
            Resets++;
            reset = true;
        }
        HasValue = true;
        LastTime = time;
        LastValue = value;
        LastStart = start;
        return reset;
    }
}
