namespace ClusterTune.Torch.Modules;

/// <summary>Names that a non-strict state-dict load could not match.</summary>
public sealed record StateDictLoadResult(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected);
