namespace ClusterTune.Search.Bench;

/// <summary>A ClusterTune configuration under test (sampler + early stopping), run with <c>Workers</c> trials at a time.</summary>
internal sealed record Method(string Name, SamplerKind Sampler, EarlyStoppingConfig EarlyStopping, int Workers = SweepSimulator.Workers);
