namespace ClusterTune.Search;

/// <summary>
/// What the sweep algorithms know about one trial: its parameters (name → long, double or string), status,
/// observations (any order, duplicates allowed), final objective, the resource budget it was given and the resource
/// it used. <see cref="Budget"/> null means the full per-trial resource.
/// </summary>
public sealed record TrialRecord(int Index, IReadOnlyDictionary<string, object> Params, TrialStatus Status)
{
    public IReadOnlyList<Observation> Observations { get; init; } = [];
    public double? Objective { get; init; }
    public double? Budget { get; init; }
    public double ResourceUsed { get; init; }
}
