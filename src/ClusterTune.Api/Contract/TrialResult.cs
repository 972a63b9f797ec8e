namespace ClusterTune.Api.Contract;

/// <summary>
/// The final result a trainer writes as JSON to the termination-message path: the channel that survives an
/// operator outage. Keep it under Kubernetes' 4 KiB termination-message limit.
/// </summary>
/// <param name="Status">"succeeded", "failed" or "stopped" (SIGTERM: checkpoint saved, trial may resume).</param>
/// <param name="Objective">The final objective value (the best epoch's value of the objective metric).</param>
/// <param name="Metrics">Final metrics by name (e.g. accuracy, loss).</param>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Step">Optimizer steps completed.</param>
/// <param name="BestCheckpoint">URI or path of the best checkpoint.</param>
/// <param name="LastCheckpoint">URI or path of the last checkpoint (what a resume starts from).</param>
/// <param name="TrainableParameters">Trainable parameter count.</param>
/// <param name="TrainableFraction">Trainable parameters / all parameters.</param>
/// <param name="Message">Human-readable reason when not succeeded.</param>
/// <param name="Observations">
/// The objective of every epoch this run trained ({epoch, step, value}, oldest first, at most the last
/// <see cref="MaxObservations"/>), so the stored curve is complete even when OTLP points were lost.
/// </param>
public sealed record TrialResult(
    string Status,
    double? Objective,
    IReadOnlyDictionary<string, double> Metrics,
    int Epoch,
    long Step,
    string? BestCheckpoint,
    string? LastCheckpoint,
    long TrainableParameters,
    double TrainableFraction,
    string? Message = null,
    IReadOnlyList<V1Alpha1.Observation>? Observations = null)
{
    /// <summary>Most epochs a result carries (the termination message is capped at 4 KiB).</summary>
    public const int MaxObservations = 32;

    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Stopped = "stopped";
}
