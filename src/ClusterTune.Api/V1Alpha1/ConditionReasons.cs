namespace ClusterTune.Api.V1Alpha1;

/// <summary>CamelCase reasons of FineTuneJob conditions (see <see cref="ConditionTypes"/>), one constant per cause.</summary>
public static class ConditionReasons
{
    // Validated
    public const string SpecValid = "SpecValid";
    public const string SpecInvalid = "SpecInvalid";

    // Running
    public const string TrialsRunning = "TrialsRunning";
    public const string WaitingForTrials = "WaitingForTrials";
    public const string Finished = "Finished";

    // Complete (also the BudgetExhausted reasons when the budget ended a successful sweep)
    public const string SearchSpaceExhausted = "SearchSpaceExhausted";
    public const string ObjectiveTargetReached = "ObjectiveTargetReached";
    public const string NotImproving = "NotImproving";
    public const string MaxTrialsReached = "MaxTrialsReached";
    public const string MaxDurationReached = "MaxDurationReached";
    public const string MaxGpuHoursReached = "MaxGpuHoursReached";

    // Failed
    public const string MaxFailedTrialsReached = "MaxFailedTrialsReached";
    public const string NoSuccessfulTrial = "NoSuccessfulTrial";

    // Suspended
    public const string SuspendRequested = "SuspendRequested";
    public const string Resumed = "Resumed";

    // BudgetExhausted (False)
    public const string WithinBudget = "WithinBudget";

    // WarmStarted
    public const string WarmStartApplied = "WarmStartApplied";
    public const string WarmStartSourceMissing = "WarmStartSourceMissing";

    // CheckpointPromoted
    public const string Promoted = "Promoted";
    public const string PromotionPending = "PromotionPending";
    public const string PromotionFailed = "PromotionFailed";
}
