namespace ClusterTune.Search;

/// <summary>
/// The description of one parameter (what a FineTuneJob's searchSpace entry maps to): a numeric range with a scale and
/// an optional step, or a list of categorical values (long, double or string), optionally conditional on another one.
/// </summary>
public sealed record ParameterSpec(string Name, ParameterType Type)
{
    public double? Min { get; init; }
    public double? Max { get; init; }
    public ParameterScale Scale { get; init; } = ParameterScale.Linear;
    public double? Step { get; init; }
    public IReadOnlyList<object>? Values { get; init; }
    public ParameterCondition? Condition { get; init; }

    /// <summary>An integer range.</summary>
    public static ParameterSpec Int(string name, long min, long max, ParameterScale scale = ParameterScale.Linear, long? step = null) =>
        new(name, ParameterType.Int) { Min = min, Max = max, Scale = scale, Step = step };

    /// <summary>A floating-point range.</summary>
    public static ParameterSpec Float(string name, double min, double max, ParameterScale scale = ParameterScale.Linear, double? step = null) =>
        new(name, ParameterType.Float) { Min = min, Max = max, Scale = scale, Step = step };

    /// <summary>A categorical parameter over the given values.</summary>
    public static ParameterSpec Categorical(string name, params object[] values) =>
        new(name, ParameterType.Categorical) { Values = values };

    /// <summary>This parameter, active only when <paramref name="parent"/> has one of <paramref name="values"/>.</summary>
    public ParameterSpec When(string parent, params object[] values) => this with { Condition = new ParameterCondition(parent, values) };
}
