namespace ClusterTune.Search.Bench;

/// <summary>
/// One method on one objective and seed: epochs used, trials, (epochs used, final value) per full-length trial, and
/// (epochs used, config id) per trial started when the objective has config ids.
/// </summary>
internal sealed record RunResult(int Seed, int Epochs, int Trials, IReadOnlyList<(int Epochs, double Value)> Trace)
{
    public IReadOnlyList<(int Epochs, int Config)> Starts { get; init; } = [];
}
