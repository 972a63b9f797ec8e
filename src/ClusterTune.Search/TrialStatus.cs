namespace ClusterTune.Search;

/// <summary>The phase of a trial as the sweep algorithms see it (mirrors the Trial CR phase).</summary>
public enum TrialStatus
{
    Pending,
    Running,
    Paused,
    Succeeded,
    Failed,
    EarlyStopped,
}
