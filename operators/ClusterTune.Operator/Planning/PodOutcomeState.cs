namespace ClusterTune.Operator.Planning;

/// <summary>Where a trial pod is in its life.</summary>
public enum PodOutcomeState
{
    /// <summary>Not started yet (unscheduled, pulling, waiting).</summary>
    Waiting,
    Running,
    /// <summary>Exited 0.</summary>
    Succeeded,
    /// <summary>Exited non-zero, was killed, evicted or lost.</summary>
    Failed,
}
