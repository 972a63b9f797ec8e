namespace ClusterTune.Search.Population;

/// <summary>
/// Population-based training: every <see cref="Interval"/> epochs the bottom <see cref="QuantileFraction"/> of the
/// population exploits a trial of the top fraction (its checkpoint and parameters) and explores: each numeric
/// parameter is multiplied by one of <see cref="Factors"/>, each categorical one resampled with
/// <see cref="ResampleProbability"/> (else moved to a neighbouring value).
/// </summary>
public sealed record PbtConfig(int Interval, double QuantileFraction, IReadOnlyList<double> Factors, double ResampleProbability);
