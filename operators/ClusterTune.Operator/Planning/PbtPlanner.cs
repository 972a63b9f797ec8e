using ClusterTune.Api.V1Alpha1;
using ClusterTune.Search.Population;
using S = ClusterTune.Search;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// Population-based training on the existing pause/resume: every member trains to the next multiple of the
/// perturbation interval and pauses there with a checkpoint (CT_STOP_AT_EPOCH, as at an ASHA rung). Once the whole
/// population has reached boundary b, <see cref="Pbt.Decide"/> picks who exploits whom (a generator seeded by the
/// algorithm seed and b, so a re-plan after a crash decides the same); the exploiters first get the donor's
/// checkpoint copied into their last/ and the explored parameters (spec.exploit records it), then members resume to
/// the next boundary as parallelism allows. Pure: the job reconciler copies and patches.
/// </summary>
public static class PbtPlanner
{
    /// <summary>Whether the spec asks for population-based training.</summary>
    public static bool IsPbt(EffectiveSpec spec) => spec.AlgorithmName == AlgorithmName.Pbt;

    /// <summary>New members train to the first boundary, not to the end.</summary>
    public static IReadOnlyList<S.NewTrial> FirstSegment(EffectiveSpec spec, IReadOnlyList<S.NewTrial> created) =>
        IsPbt(spec) ? [.. created.Select(n => n with { Budget = Math.Min(PbtSettings.Of(spec).Interval, spec.MaxResource) })] : created;

    /// <summary>
    /// The history as the sweep policy should see it: a member paused at a boundary short of the full run is still
    /// running (the sweep is not over), though it holds no pod slot (counted before this view).
    /// </summary>
    public static List<S.TrialRecord> KeepAlive(EffectiveSpec spec, List<S.TrialRecord> history) =>
        IsPbt(spec) ? [.. history.Select(r => r.Status == S.TrialStatus.Paused && r.ResourceUsed < spec.MaxResource ? r with { Status = S.TrialStatus.Running } : r)] : history;

    /// <summary>The exploits (with the checkpoint to copy) and resumptions due now; at most <paramref name="free"/> members resume.</summary>
    public static IReadOnlyList<TrialSpecChange> Plan(EffectiveSpec spec, IReadOnlyList<Trial> trials, int free, List<PlannedEvent> events)
    {
        var changes = new List<TrialSpecChange>();
        if (!IsPbt(spec) || trials.Count < spec.MaxTrials)
        {
            return changes;
        }

        var members = trials.Where(t => !TrialPhases.IsEnded(t.Status?.Phase)).OrderBy(t => t.Spec.Index).ToList();
        if (members.Count < 2)
        {
            return changes;
        }

        var boundary = members.Min(t => spec.TrialEpochs(t.Spec));
        var waiting = members.Where(t => spec.TrialEpochs(t.Spec) == boundary).ToList();
        // The boundary is reached when every member has trained to it and those still aimed at it have paused there.
        if (boundary >= spec.MaxResource || members.Any(t => (t.Status?.Epoch ?? 0) < boundary)
            || waiting.Any(t => t.Status?.Phase != TrialPhase.Paused || t.Status.LastCheckpointUri is null))
        {
            return changes;
        }

        var settings = PbtSettings.Of(spec);
        var config = new PbtConfig(settings.Interval, settings.QuantileFraction, settings.Factors, settings.ResampleProbability);
        var sign = spec.Direction == ObjectiveDirection.Minimize ? -1 : 1;
        var scored = members.Select(t => (Trial: t, Score: ScoreAt(t, boundary))).ToList();
        if (scored.Any(m => m.Score is null))
        {
            return changes;
        }

        var byIndex = members.ToDictionary(t => t.Spec.Index);
        // Not HashCode.Combine: it is seeded per process, and a restarted operator must draw the same exploits.
        var rng = new Random(unchecked((int)((spec.Algorithm.Seed ?? 0) * 1_000_003 + boundary)));
        var exploits = Pbt.Decide([.. scored.Select(m => new PbtMember(m.Trial.Spec.Index, SweepMapping.ToRecord(m.Trial).Params, sign * m.Score!.Value))],
            SweepMapping.ToSearchSpace(spec), config, rng);
        var pending = exploits.Where(x => byIndex[x.Index].Spec.Exploit?.Epoch != boundary).ToList();
        foreach (var x in pending)
        {
            var (loser, donor) = (byIndex[x.Index], byIndex[x.Donor]);
            var parameters = SweepMapping.ToParams(x.Params, spec);
            var record = new TrialExploit
            {
                From = donor.Metadata.Name!,
                Epoch = boundary,
                Params = parameters,
                FromObjective = ScoreAt(donor, boundary),
                Objective = ScoreAt(loser, boundary),
            };
            changes.Add(new TrialSpecChange(loser.Metadata.Name!, Params: parameters, Exploit: record, CopyCheckpointFrom: donor.Status!.LastCheckpointUri));
            events.Add(new PlannedEvent(EventTypes.Normal, EventReasons.TrialExploited,
                $"trial {loser.Metadata.Name} ({spec.Metric} {JobPlanner.Format(record.Objective!.Value)} at epoch {boundary}) takes the checkpoint of {donor.Metadata.Name} ({JobPlanner.Format(record.FromObjective!.Value)}) and continues with {JobPlanner.ParamsText(parameters)}"));
        }

        // Exploits first (a donor must not train on before its checkpoint is copied); resumptions in a later reconcile.
        if (pending.Count > 0)
        {
            return changes;
        }

        var next = Math.Min(boundary + settings.Interval, spec.MaxResource);
        foreach (var t in waiting.Take(Math.Max(0, free)))
        {
            // One pod per segment: the rung counts segments, so the retry allowance (maxAttempts + rung) is per segment.
            changes.Add(new TrialSpecChange(t.Metadata.Name!, Epochs: next, ResumeFrom: t.Status!.LastCheckpointUri, Rung: (t.Spec.Rung ?? 0) + 1));
        }

        return changes;
    }

    /// <summary>A member's objective at the boundary epoch (its latest observation up to it).</summary>
    private static double? ScoreAt(Trial t, int epoch) =>
        (t.Status?.Observations ?? []).Where(o => o.Epoch <= epoch && double.IsFinite(o.Value)).OrderBy(o => o.Epoch).LastOrDefault()?.Value;
}
