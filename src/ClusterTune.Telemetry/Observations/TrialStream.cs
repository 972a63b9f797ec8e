using ClusterTune.Api.Contract;
using ClusterTune.Telemetry.Ingestion;

namespace ClusterTune.Telemetry.Observations;

/// <summary>The pure per-trial stream state behind <see cref="ObservationAccumulator"/>.</summary>
internal sealed class TrialStream
{
    private readonly ObservationOptions _options;
    private readonly Dictionary<string, SeriesState> _series = new(StringComparer.Ordinal);
    private readonly SortedList<ulong, long> _epochs = [];
    private readonly SortedList<ulong, (double Value, long? Step)> _objective = [];
    private ulong _lastPointTime;
    private DateTimeOffset _lastReceived;
    private long _accepted, _duplicates, _outOfOrder, _resets;

    public TrialStream(TrialKey trial, string? objective, ObservationOptions options)
    {
        Trial = trial;
        Objective = objective;
        _options = options;
    }

    public TrialKey Trial { get; }

    public string? Objective { get; set; }

    public DateTimeOffset LastReceived => _lastReceived;

    /// <summary>Takes one record; returns true when the state changed (false for duplicates and overflow).</summary>
    public bool Add(TrialMetricRecord r, DateTimeOffset now)
    {
        // The receiver rejects non-finite number points; any that come another way are ignored too: a NaN is a
        // bad point, never a verdict on the trial (a trainer reports its own divergence in its result).
        if (!r.IsFinite && r.Kind is MetricPointKind.Gauge or MetricPointKind.Sum)
        {
            return false;
        }
        string key = SeriesKey(r.Metric, r.Attributes);
        if (!_series.TryGetValue(key, out var s))
        {
            if (_series.Count >= _options.MaxSeriesPerTrial)
            {
                return false;
            }
            s = new SeriesState(r);
            _series[key] = s;
        }
        if (!s.Remember(r.TimeUnixNano, r.Value, _options.DedupeWindowPerSeries))
        {
            _duplicates++;
            return false;
        }
        _accepted++;
        _lastReceived = now;
        _lastPointTime = Math.Max(_lastPointTime, r.TimeUnixNano);

        if (r.Metric == MetricNames.TrainEpoch && r.IsFinite)
        {
            InsertEpoch(r.TimeUnixNano, (long)Math.Round(r.Value));
        }
        else if (r.Epoch is { } e)
        {
            InsertEpoch(r.TimeUnixNano, e);
        }
        if (IsObjective(r))
        {
            InsertObjective(r.TimeUnixNano, r.Value, r.Step);
        }

        if (s.HasValue && r.TimeUnixNano < s.LastTime)
        {
            _outOfOrder++;
        }
        else if (s.Apply(r.StartTimeUnixNano, r.TimeUnixNano, r.Value))
        {
            _resets++;
        }
        return true;
    }

    /// <summary>Whether a record is a point of this trial's objective (its eval metric).</summary>
    public bool IsObjective(TrialMetricRecord r) => Objective is not null && r.Metric == MetricNames.EvalMetric &&
        r.Attributes.TryGetValue(MetricAttributes.Metric, out var m) && m == Objective;

    public TrialObservationSnapshot Snapshot()
    {
        var rungs = new SortedDictionary<long, RungObservation>();
        foreach (var (t, (value, step)) in _objective)
        {
            if (EpochAt(t) is { } epoch)
            {
                rungs[epoch] = new RungObservation(epoch, value, t, step);
            }
        }
        var evals = new Dictionary<string, (ulong Time, double Value)>(StringComparer.Ordinal);
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        SeriesState? epochS = null, stepS = null, lossS = null;
        foreach (var (key, s) in _series)
        {
            if (!s.HasValue)
            {
                continue;
            }
            if (s.IsCounter)
            {
                totals[key] = s.Total;
            }
            switch (s.Metric)
            {
                case MetricNames.TrainEpoch:
                    epochS = Later(epochS, s);
                    break;
                case MetricNames.TrainStep:
                    stepS = Later(stepS, s);
                    break;
                case MetricNames.TrainLoss:
                    lossS = Later(lossS, s);
                    break;
                case MetricNames.EvalMetric when s.Attributes.TryGetValue(MetricAttributes.Metric, out var name):
                    if (!evals.TryGetValue(name, out var cur) || s.LastTime >= cur.Time)
                    {
                        evals[name] = (s.LastTime, s.LastValue);
                    }
                    break;
            }
        }
        double? latestObjective = _objective.Count > 0 ? _objective.Values[^1].Value : null;
        return new TrialObservationSnapshot(
            Trial, Objective, rungs.Values.ToArray(), latestObjective,
            epochS is null ? null : (long)Math.Round(epochS.LastValue),
            stepS is null ? null : (long)Math.Round(stepS.LastValue),
            lossS?.LastValue,
            evals.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal),
            totals, _lastPointTime, _lastReceived, _accepted, _duplicates, _outOfOrder, _resets);
    }

    internal static string SeriesKey(string metric, IReadOnlyDictionary<string, string> attributes)
    {
        if (attributes.Count == 0)
        {
            return metric;
        }
        return metric + "{" + string.Join(",", attributes.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value)) + "}";
    }

    private static SeriesState Later(SeriesState? a, SeriesState b) => a is null || b.LastTime >= a.LastTime ? b : a;

    private void InsertEpoch(ulong time, long epoch)
    {
        _epochs[time] = epoch;
        // Only transitions matter for "epoch in force at time t"; a point equal to its predecessor is redundant.
        int i = _epochs.IndexOfKey(time);
        for (int j = i + 1; j >= i && j >= 1; j--)
        {
            if (j < _epochs.Count && _epochs.Values[j] == _epochs.Values[j - 1])
            {
                _epochs.RemoveAt(j);
            }
        }
    }

    private long? EpochAt(ulong time)
    {
        var keys = _epochs.Keys;
        int lo = 0, hi = keys.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] <= time)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return found < 0 ? null : _epochs.Values[found];
    }

    private void InsertObjective(ulong time, double value, long? step)
    {
        _objective[time] = (value, step);
        int i = _objective.IndexOfKey(time);
        // A periodic exporter repeats the last gauge value every interval: keep only the ends of equal runs within an epoch.
        for (int j = Math.Min(i + 1, _objective.Count - 2); j >= Math.Max(i - 1, 1); j--)
        {
            if (Redundant(j))
            {
                _objective.RemoveAt(j);
            }
        }
        while (_objective.Count > _options.MaxObjectivePointsPerTrial)
        {
            _objective.RemoveAt(0);
        }
    }

    private bool Redundant(int j)
    {
        if (j <= 0 || j >= _objective.Count - 1)
        {
            return false;
        }
        var prev = _objective.Values[j - 1].Value;
        var cur = _objective.Values[j].Value;
        var next = _objective.Values[j + 1].Value;
        return BitConverter.DoubleToInt64Bits(prev) == BitConverter.DoubleToInt64Bits(cur)
            && BitConverter.DoubleToInt64Bits(cur) == BitConverter.DoubleToInt64Bits(next)
            && EpochAt(_objective.Keys[j - 1]) == EpochAt(_objective.Keys[j + 1]);
    }
}
