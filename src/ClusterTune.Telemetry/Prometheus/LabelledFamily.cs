using System.Collections.Concurrent;

namespace ClusterTune.Telemetry.Prometheus;

/// <summary>A family whose series are children keyed by label values (counter, gauge, histogram).</summary>
/// <typeparam name="TChild">The series type.</typeparam>
public abstract class LabelledFamily<TChild> : MetricFamily
    where TChild : class
{
    private readonly ConcurrentDictionary<LabelValues, TChild> _children = new();

    private protected LabelledFamily(string name, string help, MetricType type, IReadOnlyList<string> labelNames)
        : base(name, help, type, labelNames)
    {
    }

    /// <summary>The series for these label values (created on first use); values in <see cref="MetricFamily.LabelNames"/> order.</summary>
    public TChild WithLabels(params string[] labelValues) => _children.GetOrAdd(Key(labelValues), _ => CreateChild());

    /// <summary>Removes one series; returns whether it existed.</summary>
    public bool Remove(params string[] labelValues) => _children.TryRemove(Key(labelValues), out _);

    /// <summary>Removes every series whose label values match; returns how many were removed.</summary>
    public int RemoveWhere(Func<IReadOnlyList<string>, bool> predicate)
    {
        int n = 0;
        foreach (var key in _children.Keys)
        {
            if (predicate(key.Values) && _children.TryRemove(key, out _))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Removes all series (e.g. before re-setting a by-phase gauge from fresh state).</summary>
    public void Clear()
    {
        _children.Clear();
    }

    /// <summary>Number of series.</summary>
    public int SeriesCount => _children.Count;

    private protected abstract TChild CreateChild();

    private protected abstract void CollectChild(TChild child, string[] labelValues, List<MetricSample> into);

    internal override IReadOnlyList<MetricSample> Collect()
    {
        if (LabelNames.Count == 0)
        {
            // An unlabelled series always exists (0 until used), as in other Prometheus clients.
            WithLabels();
        }
        var keys = _children.Keys.ToList();
        keys.Sort(LabelValues.Compare);
        var samples = new List<MetricSample>();
        foreach (var k in keys)
        {
            if (_children.TryGetValue(k, out var child))
            {
                CollectChild(child, k.Values, samples);
            }
        }
        return samples;
    }

    private LabelValues Key(string[] labelValues)
    {
        ArgumentNullException.ThrowIfNull(labelValues);
        if (labelValues.Length != LabelNames.Count)
        {
            throw new ArgumentException(
                $"metric {Name} takes {LabelNames.Count} label values ({string.Join(", ", LabelNames)}), got {labelValues.Length}", nameof(labelValues));
        }
        foreach (var v in labelValues)
        {
            if (v is null)
            {
                throw new ArgumentNullException(nameof(labelValues), $"metric {Name}: label values must not be null (use \"\")");
            }
        }
        return new LabelValues((string[])labelValues.Clone());
    }
}
