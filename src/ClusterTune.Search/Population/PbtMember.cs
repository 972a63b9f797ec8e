namespace ClusterTune.Search.Population;

/// <summary>A population member at a perturbation boundary: its parameters and its score there (higher is better).</summary>
public sealed record PbtMember(int Index, IReadOnlyDictionary<string, object> Params, double Score);
