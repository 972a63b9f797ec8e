namespace ClusterTune.Search;

/// <summary>Why a running trial must stop.</summary>
public enum TrialStopReason
{
    /// <summary>A scheduler (median, ASHA, Hyperband) judged it weak: the trial ends EarlyStopped.</summary>
    EarlyStopped,

    /// <summary>It reported NaN or ±Inf: the trial ends Failed.</summary>
    NonFiniteObjective,

    /// <summary>The sweep itself stopped.</summary>
    SweepStopped,
}
