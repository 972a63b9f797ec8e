namespace ClusterTune.Search.Bench;

/// <summary>One method on one objective and seed: epochs used, trials, and (epochs used, final value) per full-length trial.</summary>
internal sealed record RunResult(int Seed, int Epochs, int Trials, IReadOnlyList<(int Epochs, double Value)> Trace);
