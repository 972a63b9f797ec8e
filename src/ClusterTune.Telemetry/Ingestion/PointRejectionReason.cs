namespace ClusterTune.Telemetry.Ingestion;

/// <summary>Why a data point was rejected (counted in partial_success and in clustertune_otlp_points_rejected_total{reason}).</summary>
public enum PointRejectionReason
{
    /// <summary>The resource lacks k8s.namespace.name, clustertune.job.name or clustertune.trial.id.</summary>
    MissingTrialAttributes,
    /// <summary>The validator does not know the trial.</summary>
    UnknownTrial,
    /// <summary>The token header is missing or wrong.</summary>
    InvalidToken,
    /// <summary>k8s.pod.name names a pod that is not the trial's.</summary>
    PodMismatch,
    /// <summary>time_unix_nano is 0.</summary>
    ZeroTimestamp,
    /// <summary>NaN/±Inf on any number point or a histogram/summary sum: a point, never a trial failure.</summary>
    NonFiniteValue,
    /// <summary>A number point with neither as_double nor as_int.</summary>
    MissingValue,
}
