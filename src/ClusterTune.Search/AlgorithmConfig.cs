namespace ClusterTune.Search;

/// <summary>
/// The sampler and its settings. GridPoints: values per float range (and per int range wider than that) in a grid.
/// TPE: StartupTrials random trials first, Candidates sampled per suggestion, Gamma fraction of good trials (≤ 25).
/// CMA-ES: PopulationSize trials per generation (0: 4 + ⌊3 ln n⌋ for n parameters), Sigma0 the initial step size in
/// the unit cube the ranges are mapped to (log ranges in their logarithm).
/// </summary>
public sealed record AlgorithmConfig(SamplerKind Kind, ulong Seed)
{
    public int GridPoints { get; init; } = 5;
    public int StartupTrials { get; init; } = 10;
    public int Candidates { get; init; } = 24;
    public double Gamma { get; init; } = 0.1;
    public int PopulationSize { get; init; }
    public double Sigma0 { get; init; } = 0.3;
}
