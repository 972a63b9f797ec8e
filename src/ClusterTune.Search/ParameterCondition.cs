namespace ClusterTune.Search;

/// <summary>Makes a parameter active only when <see cref="Parameter"/> is active and has one of <see cref="Values"/>.</summary>
public sealed record ParameterCondition(string Parameter, IReadOnlyList<object> Values);
