namespace ClusterTune.Telemetry.Observations;

/// <summary>The first NaN/±Inf loss or objective value a trial reported: a trial failure signal, not a crash.</summary>
/// <param name="Metric">OTel metric name (clustertune.train.loss or clustertune.eval.metric).</param>
/// <param name="Attributes">Point attributes (e.g. metric=loss).</param>
/// <param name="Value">The non-finite value.</param>
/// <param name="TimeUnixNano">Point time.</param>
/// <param name="Step">Step in force, when known.</param>
public sealed record NonFiniteSignal(string Metric, IReadOnlyDictionary<string, string> Attributes, double Value, ulong TimeUnixNano, long? Step)
{
    /// <summary>A one-line reason for a Trial condition, e.g. "clustertune.train.loss is NaN at step 120".</summary>
    public string Describe()
    {
        string what = Attributes.TryGetValue("metric", out var m) ? $"{Metric}{{metric={m}}}" : Metric;
        string v = double.IsNaN(Value) ? "NaN" : Value > 0 ? "+Inf" : "-Inf";
        return Step is { } s ? $"{what} is {v} at step {s}" : $"{what} is {v}";
    }
}
