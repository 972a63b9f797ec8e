using System.Collections.Concurrent;

namespace ClusterTune.Telemetry.Prometheus;

/// <summary>
/// An info metric: exactly one series (value 1) per key (e.g. namespace, job, trial) whose extra labels can be
/// replaced; setting a key again replaces its series instead of adding another.
/// </summary>
public sealed class InfoFamily : MetricFamily
{
    private readonly ConcurrentDictionary<LabelValues, KeyValuePair<string, string>[]> _series = new();

    internal InfoFamily(string name, string help, IReadOnlyList<string> keyLabelNames)
        : base(name, help, MetricType.Gauge, keyLabelNames)
    {
        if (keyLabelNames.Count == 0)
        {
            throw new ArgumentException($"info metric {name}: give at least one key label", nameof(keyLabelNames));
        }
    }

    /// <summary>Sets (replacing) the series of this key with these extra labels (names validated, distinct from key labels).</summary>
    public void Set(string[] keyValues, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var key = Key(keyValues);
        var extra = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(LabelNames, StringComparer.Ordinal);
        foreach (var (k, v) in labels.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            PrometheusNaming.ValidateLabelName(k);
            if (!seen.Add(k))
            {
                throw new ArgumentException($"info metric {Name}: label '{k}' is a key label or repeated", nameof(labels));
            }
            extra.Add(new(k, v ?? ""));
        }
        var all = LabelNames.Select((n, i) => new KeyValuePair<string, string>(n, key.Values[i])).Concat(extra).ToArray();
        _series[key] = all;
    }

    /// <summary>Removes the series of this key.</summary>
    public bool Remove(params string[] keyValues) => _series.TryRemove(Key(keyValues), out _);

    /// <summary>Removes every series whose key values match.</summary>
    public int RemoveWhere(Func<IReadOnlyList<string>, bool> predicate)
    {
        int n = 0;
        foreach (var k in _series.Keys)
        {
            if (predicate(k.Values) && _series.TryRemove(k, out _))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Number of series (one per key).</summary>
    public int SeriesCount => _series.Count;

    internal override IReadOnlyList<MetricSample> Collect()
    {
        var keys = _series.Keys.ToList();
        keys.Sort(LabelValues.Compare);
        var samples = new List<MetricSample>();
        foreach (var k in keys)
        {
            if (_series.TryGetValue(k, out var labels))
            {
                samples.Add(new MetricSample(Name, labels, 1));
            }
        }
        return samples;
    }

    private LabelValues Key(string[] keyValues)
    {
        ArgumentNullException.ThrowIfNull(keyValues);
        if (keyValues.Length != LabelNames.Count || keyValues.Any(v => v is null))
        {
            throw new ArgumentException($"info metric {Name} takes {LabelNames.Count} non-null key values ({string.Join(", ", LabelNames)})", nameof(keyValues));
        }
        return new LabelValues((string[])keyValues.Clone());
    }
}
