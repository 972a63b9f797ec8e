namespace ClusterTune.Telemetry.Prometheus;

/// <summary>A named metric with HELP and TYPE and any number of labelled series; created by <see cref="MetricRegistry"/>.</summary>
public abstract class MetricFamily
{
    private protected MetricFamily(string name, string help, MetricType type, IReadOnlyList<string> labelNames)
    {
        PrometheusNaming.ValidateMetricName(name);
        foreach (var l in labelNames)
        {
            PrometheusNaming.ValidateLabelName(l);
        }
        if (labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Count)
        {
            throw new ArgumentException($"metric {name}: duplicate label names in [{string.Join(", ", labelNames)}]", nameof(labelNames));
        }
        Name = name;
        Help = help ?? "";
        Type = type;
        LabelNames = labelNames.ToArray();
    }

    /// <summary>Family name as exposed (e.g. clustertune_operator_reconcile_total).</summary>
    public string Name { get; }

    /// <summary>HELP text.</summary>
    public string Help { get; }

    /// <summary>TYPE.</summary>
    public MetricType Type { get; }

    /// <summary>Label names every series of this family carries, in order.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Current samples in deterministic order.</summary>
    internal abstract IReadOnlyList<MetricSample> Collect();

    private protected static IReadOnlyList<KeyValuePair<string, string>> Zip(IReadOnlyList<string> names, string[] values)
    {
        var list = new KeyValuePair<string, string>[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            list[i] = new(names[i], values[i]);
        }
        return list;
    }
}
