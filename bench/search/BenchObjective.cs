namespace ClusterTune.Search.Bench;

/// <summary>A multi-fidelity benchmark objective: value after epoch t (1..MaxEpochs) of a configuration.</summary>
internal abstract class BenchObjective
{
    public abstract string Name { get; }
    public abstract ObjectiveDirection Direction { get; }
    public abstract int MaxEpochs { get; }
    public abstract int GridPoints { get; }
    public abstract int Budget { get; }
    public abstract SearchSpace Space { get; }

    /// <summary>Which of a finite set of configs an assignment runs (to count distinct configs tried), or null.</summary>
    public virtual int? ConfigId(IReadOnlyDictionary<string, object> p) => null;

    /// <summary>The observed value after <paramref name="epoch"/> epochs (at MaxEpochs: the final objective).</summary>
    public abstract double Value(IReadOnlyDictionary<string, object> p, int epoch, ulong seed);

    protected static double D(IReadOnlyDictionary<string, object> p, string name) => Convert.ToDouble(p[name], System.Globalization.CultureInfo.InvariantCulture);
}
