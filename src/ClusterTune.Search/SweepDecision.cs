namespace ClusterTune.Search;

/// <summary>
/// What to do now: trials to create, stop, pause and resume, and whether the sweep is over (Stop not null; running
/// trials to stop are then listed in TrialsToStop when the stop is immediate).
/// </summary>
public sealed record SweepDecision(
    IReadOnlyList<NewTrial> NewTrials,
    IReadOnlyList<TrialStop> TrialsToStop,
    IReadOnlyList<TrialPause> TrialsToPause,
    IReadOnlyList<TrialResume> TrialsToResume,
    SweepStop? Stop);
