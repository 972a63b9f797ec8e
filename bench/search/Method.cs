namespace ClusterTune.Search.Bench;

/// <summary>A ClusterTune configuration under test (sampler + early stopping).</summary>
internal sealed record Method(string Name, SamplerKind Sampler, EarlyStoppingConfig EarlyStopping);
