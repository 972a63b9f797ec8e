namespace ClusterTune.Search;

/// <summary>A trial to create: its index, parameters, the resource to train to now, and its Hyperband bracket.</summary>
public sealed record NewTrial(int Index, IReadOnlyDictionary<string, object> Params, double Budget, int Bracket);
