namespace ClusterTune.Operator.Web;

/// <summary>One row of the sweep list: what the page's index shows.</summary>
public sealed record SweepSummary(string Namespace, string Name, string Phase, int Trials, int Succeeded, int Running,
    string Metric, string Direction, double? BestObjective, string? BestTrial);

/// <summary>Everything the page draws for one sweep, read from the FineTuneJob and its Trials.</summary>
public sealed record SweepDetail(
    SweepSummary Summary,
    string? Message,
    DateTimeOffset? StartTime,
    DateTimeOffset? CompletionTime,
    DateTimeOffset Now,
    BudgetView Budget,
    BestView? Best,
    IReadOnlyList<ParameterAxis> Parameters,
    IReadOnlyList<int> Rungs,
    IReadOnlyList<TrialView> Trials,
    IReadOnlyList<ParameterImportance.Entry> Importance,
    int ImportanceTrials,
    string ImportanceMethod);

/// <summary>
/// The budget burn-down: each limit with its use so far (null limits are not set), and the finished trials over time
/// (the chart's steps).
/// </summary>
public sealed record BudgetView(int? MaxTrials, int TrialsCreated, double? MaxDurationSeconds, double ElapsedSeconds,
    double? MaxGpuHours, double GpuHoursUsed, IReadOnlyList<double> FinishedAtSeconds);

/// <summary>The best trial and its checkpoint (the promoted copy once promotion succeeded).</summary>
public sealed record BestView(string Name, int? Index, double? Objective, IReadOnlyDictionary<string, object> Params,
    string? CheckpointUri, string? PromotedUri, string? Sha256);

/// <summary>One search parameter as a parallel-coordinates axis: numbers (log when the space says so) or categories.</summary>
public sealed record ParameterAxis(string Name, bool Numeric, bool Log, IReadOnlyList<object> Categories);

/// <summary>One trial: parameters, phase, objective and its learning curve (objective by epoch).</summary>
public sealed record TrialView(string Name, int Index, string Phase, string? Reason, bool Stopped,
    IReadOnlyDictionary<string, object> Params, double? Objective, int? Epoch, IReadOnlyList<CurvePoint> Curve, string? CheckpointUri);

/// <summary>One point of a learning curve.</summary>
public sealed record CurvePoint(int Epoch, double Value);
