using ClusterTune.Api;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;

namespace ClusterTune.Operator.Web;

/// <summary>
/// Builds what the sweep page shows from a FineTuneJob and its Trials (the objects the operator already caches).
/// Pure: the same objects and clock reading always give the same views.
/// </summary>
public static class SweepViews
{
    /// <summary>How <see cref="SweepDetail.Importance"/> was computed, shown under the chart.</summary>
    public const string ImportanceMethod =
        "Main-effect share of the objective's variance (fANOVA-style first-order terms, estimated by grouping trials by each " +
        "parameter's level; numbers with more than 8 distinct values in 8 equal-count bins), over Succeeded and " +
        "EarlyStopped trials at the deepest epoch at least half of them (and at least 3) reached. Shares need not sum " +
        "to 1: the rest is interactions and noise.";

    /// <summary>The list row of a sweep.</summary>
    public static SweepSummary Summary(FineTuneJob job, IReadOnlyList<Trial> trials)
    {
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var counts = job.Status?.Trials ?? TrialCounts.Count(trials.Select(t => t.Status?.Phase ?? TrialPhase.Pending));
        return new SweepSummary(job.Metadata.NamespaceProperty ?? "default", job.Metadata.Name!,
            (job.Status?.Phase ?? FineTuneJobPhase.Pending).ToString(), Math.Max(counts.Total, trials.Count), counts.Succeeded,
            counts.Running, spec.Objective!.Metric!, spec.Objective.Direction == ObjectiveDirection.Minimize ? "minimize" : "maximize",
            job.Status?.BestTrial?.Objective, job.Status?.BestTrial?.Name);
    }

    /// <summary>The whole page of one sweep at <paramref name="now"/> (what the elapsed time is measured to while it runs).</summary>
    public static SweepDetail Detail(FineTuneJob job, IReadOnlyList<Trial> trials, DateTimeOffset now)
    {
        var spec = FineTuneJobDefaults.Apply(job.Spec);
        var status = job.Status;
        var ordered = trials.OrderBy(t => t.Spec.Index).ToList();
        var rows = ParameterImportance.RowsAtCommonEpoch(ordered);
        var best = status?.BestTrial is { } b
            ? new BestView(b.Name, b.Index, b.Objective, Plain(b.Params), b.CheckpointUri, b.PromotedUri, b.Sha256)
            : null;
        return new SweepDetail(Summary(job, trials), status?.Message, status?.StartTime, status?.CompletionTime, now,
            Budget(spec, status, ordered, now), best, Axes(spec), Rungs(spec), [.. ordered.Select(Trial)],
            ParameterImportance.Compute(rows), rows.Count, ImportanceMethod);
    }

    /// <summary>
    /// The epochs at which ASHA/Hyperband compare trials, ascending: minResource × reductionFactor^k below the full
    /// resource (bracket 0's rungs; later brackets' rungs are a subset, as in ClusterTune.Search's AshaScheduler).
    /// </summary>
    public static IReadOnlyList<int> Rungs(FineTuneJobSpec defaulted)
    {
        var es = defaulted.EarlyStopping;
        if (es?.Type is not (EarlyStoppingType.Asha or EarlyStoppingType.Hyperband))
        {
            return [];
        }

        var min = es.MinResource ?? FineTuneJobDefaults.MinResource;
        var eta = es.ReductionFactor ?? FineTuneJobDefaults.ReductionFactor;
        var max = FineTuneJobDefaults.Apply(defaulted).MaxResource;
        var rungs = new List<int>();
        for (long r = min; r < max && min >= 1 && eta >= 2; r *= eta)
        {
            rungs.Add((int)r);
        }

        return rungs;
    }

    private static BudgetView Budget(FineTuneJobSpec spec, FineTuneJobStatus? status, List<Trial> trials, DateTimeOffset now)
    {
        var start = status?.StartTime;
        var end = status?.CompletionTime ?? now;
        var elapsed = start is { } s ? Math.Max(0, (end - s).TotalSeconds) : 0;
        var finished = start is { } s0
            ? trials.Select(t => t.Status?.CompletionTime).OfType<DateTimeOffset>().Select(c => Math.Max(0, (c - s0).TotalSeconds)).Order().ToList()
            : [];
        return new BudgetView(spec.Budget!.MaxTrials, Math.Max(status?.Trials?.Total ?? 0, trials.Count),
            spec.Budget.MaxDuration is { } d ? GoDuration.Parse(d).TotalSeconds : null, elapsed,
            spec.Budget.MaxGpuHours, (status?.GpuSecondsUsed ?? 0) / 3600, finished);
    }

    // Trials carry loraLrFactor's values as lrFactor (LoraLrSplit), so the two share the lrFactor axis.
    private static List<ParameterAxis> Axes(FineTuneJobSpec spec) =>
    [
        .. spec.SearchSpace!.AllParameters().Where(p => p.Key != SearchSpace.LoraLrFactorName).Select(p =>
            p.Key == Api.Contract.KnobNames.LrFactor && spec.SearchSpace.LoraLrFactor is { } lora ? LrAxis(p.Value, lora)
            : p.Value.Type == ParameterType.Categorical
            ? new ParameterAxis(p.Key, false, false, [.. (p.Value.Values ?? []).Select(v => v.ToObject())])
            : new ParameterAxis(p.Key, true, p.Value.Scale == ParameterScale.Log, [])),
    ];

    private static ParameterAxis LrAxis(ParameterSpec full, ParameterSpec lora) =>
        full.Type == ParameterType.Categorical && lora.Type == ParameterType.Categorical
            ? new ParameterAxis(Api.Contract.KnobNames.LrFactor, false, false,
                [.. (full.Values ?? []).Concat(lora.Values ?? []).Distinct().OrderBy(v => v.Number).Select(v => v.ToObject())])
            : new ParameterAxis(Api.Contract.KnobNames.LrFactor, true, full.Scale != ParameterScale.Linear || lora.Scale != ParameterScale.Linear, []);

    private static TrialView Trial(Trial t)
    {
        var phase = t.Status?.Phase ?? TrialPhase.Pending;
        var curve = (t.Status?.Observations ?? []).Where(o => double.IsFinite(o.Value))
            .GroupBy(o => o.Epoch).Select(g => new CurvePoint(g.Key, g.Last().Value)).OrderBy(p => p.Epoch).ToList();
        return new TrialView(t.Metadata.Name!, t.Spec.Index, phase.ToString(), t.Status?.Reason, phase == TrialPhase.EarlyStopped,
            Plain(t.Spec.Params), t.Status?.Objective, t.Status?.Epoch, curve, t.Status?.CheckpointUri);
    }

    private static Dictionary<string, object> Plain(IReadOnlyDictionary<string, ParamValue>? values) =>
        (values ?? new Dictionary<string, ParamValue>()).OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(p => p.Key, p => p.Value.ToObject(), StringComparer.Ordinal);
}
