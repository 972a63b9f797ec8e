namespace ClusterTune.Api.V1Alpha1;

/// <summary>FineTuneJob condition types, positive polarity per the Kubernetes API conventions (True = the named state holds).</summary>
public static class ConditionTypes
{
    /// <summary>The spec passed validation (False: reason SpecInvalid, message lists every field error and its fix).</summary>
    public const string Validated = "Validated";
    /// <summary>Trials are being planned or run.</summary>
    public const string Running = "Running";
    /// <summary>The sweep finished and a best trial was selected (terminal).</summary>
    public const string Complete = "Complete";
    /// <summary>The sweep cannot finish successfully (terminal).</summary>
    public const string Failed = "Failed";
    /// <summary>spec.suspend is true: no new trials, running ones paused.</summary>
    public const string Suspended = "Suspended";
    /// <summary>A budget limit (trials, duration, GPU-hours) was reached; the reason says which.</summary>
    public const string BudgetExhausted = "BudgetExhausted";
    /// <summary>The best checkpoint was copied to the promote path with its provenance file.</summary>
    public const string CheckpointPromoted = "CheckpointPromoted";

    /// <summary>spec.warmStartFrom was read: True when every source job exists (status.warmStart counts the trials used).</summary>
    public const string WarmStarted = "WarmStarted";

    /// <summary>Every type, in the order they are usually listed.</summary>
    public static readonly IReadOnlyList<string> All =
        [Validated, Running, Complete, Failed, Suspended, BudgetExhausted, CheckpointPromoted, WarmStarted];
}
