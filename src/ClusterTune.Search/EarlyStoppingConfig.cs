namespace ClusterTune.Search;

/// <summary>
/// Early-stopping settings. Median: stop a trial whose best value by step s is worse than the median of other trials
/// at s, once MinTrials others reached s and s ≥ WarmupSteps. ASHA/Hyperband: rungs at MinResource·Eta^k below the
/// per-trial maximum resource; Hyperband runs several ASHA brackets (MaxBrackets caps how many).
/// </summary>
public sealed record EarlyStoppingConfig(EarlyStoppingKind Kind)
{
    public int MinTrials { get; init; } = 5;
    public double WarmupSteps { get; init; } = 1;
    public double MinResource { get; init; } = 1;
    public double Eta { get; init; } = 3;
    public AshaMode Mode { get; init; } = AshaMode.Stop;
    public int MaxBrackets { get; init; } = int.MaxValue;

    /// <summary>No early stopping.</summary>
    public static EarlyStoppingConfig None { get; } = new(EarlyStoppingKind.None);
}
