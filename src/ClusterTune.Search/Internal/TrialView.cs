namespace ClusterTune.Search.Internal;

/// <summary>
/// A trial after cleaning: observations sorted by step, non-finite values dropped (and flagged), duplicates at one
/// step replaced by their median (order-independent), values turned into losses (lower is better whatever the direction).
/// </summary>
internal sealed class TrialView
{
    public TrialView(TrialRecord r, ObjectiveDirection direction, double maxResource)
    {
        Record = r;
        Index = r.Index;
        Status = r.Status;
        var sign = direction == ObjectiveDirection.Minimize ? 1.0 : -1.0;
        var finite = new List<Observation>(r.Observations?.Count ?? 0);
        foreach (var o in r.Observations ?? [])
        {
            if (!double.IsFinite(o.Step) || o.Step < 0)
            {
                continue; // a step we cannot place on the resource axis carries no usable information
            }

            if (!double.IsFinite(o.Value))
            {
                HasNonFinite = true;
                continue;
            }

            finite.Add(o);
        }

        Points = Curve(finite, sign);
        if (r.Objective is { } obj)
        {
            if (double.IsFinite(obj))
            {
                FinalLoss = sign * obj;
            }
            else
            {
                HasNonFinite = true;
            }
        }

        Budget = r.Budget is { } b && double.IsFinite(b) && b > 0 ? Math.Min(b, maxResource) : maxResource;
        MaxStep = Points.Length > 0 ? Points[^1].Step : 0;
        if (Status == TrialStatus.Succeeded && FinalLoss is not null)
        {
            MaxStep = Math.Max(MaxStep, Budget);
        }

        // A finished trial whose final objective is NaN or missing cannot count as a success.
        IsFailed = Status == TrialStatus.Failed || (Status == TrialStatus.Succeeded && HasNonFinite && FinalLoss is null) ||
                   (Status == TrialStatus.Succeeded && FinalLoss is null && Points.Length == 0);
    }

    public TrialRecord Record { get; }

    // One point per step (the median of the step's values), by step. A curve as trainers report it — one value per step,
    // in order — is taken as it is; it is built for every trial on every decision, so without grouping and sorting.
    private static (double Step, double Loss)[] Curve(List<Observation> finite, double sign)
    {
        var ordered = true;
        for (var i = 1; i < finite.Count && ordered; i++)
        {
            ordered = finite[i].Step > finite[i - 1].Step;
        }

        if (!ordered)
        {
            return finite.GroupBy(o => o.Step)
                .OrderBy(g => g.Key)
                .Select(g => (Step: g.Key, Loss: sign * Median(g.Select(o => o.Value).Order().ToArray())))
                .ToArray();
        }

        var points = new (double Step, double Loss)[finite.Count];
        for (var i = 0; i < finite.Count; i++)
        {
            points[i] = (finite[i].Step, sign * finite[i].Value);
        }

        return points;
    }

    private static double Median(double[] sorted) => sorted.Length % 2 == 1
        ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] / 2) + (sorted[sorted.Length / 2] / 2);
    public int Index { get; }
    public TrialStatus Status { get; }
    public (double Step, double Loss)[] Points { get; }
    public double? FinalLoss { get; }
    public bool HasNonFinite { get; }
    public bool IsFailed { get; }
    public double Budget { get; }
    public double MaxStep { get; }

    public bool IsActive => Status is TrialStatus.Pending or TrialStatus.Running;

    /// <summary>The loss where the trial crossed <paramref name="rung"/> (first point at step ≥ rung), or null.</summary>
    public double? LossAtRung(double rung)
    {
        foreach (var p in Points)
        {
            if (p.Step >= rung - 1e-9)
            {
                return p.Loss;
            }
        }

        return Status == TrialStatus.Succeeded && FinalLoss is { } f && Budget >= rung - 1e-9 ? f : null;
    }

    /// <summary>Best loss among points at step ≤ <paramref name="step"/>, or null when none.</summary>
    public double? BestLossUpTo(double step)
    {
        double? best = null;
        foreach (var p in Points)
        {
            if (p.Step > step + 1e-9)
            {
                break;
            }

            best = best is { } b ? Math.Min(b, p.Loss) : p.Loss;
        }

        return best;
    }

    /// <summary>The loss of the trial at full resource (final objective, else last point at ≥ the max resource).</summary>
    public double? FullLoss(double maxResource)
    {
        if (IsFailed)
        {
            return null;
        }

        if (Status == TrialStatus.Succeeded && Budget >= maxResource - 1e-9)
        {
            return FinalLoss ?? (Points.Length > 0 ? Points[^1].Loss : null);
        }

        return Points.Length > 0 && Points[^1].Step >= maxResource - 1e-9 ? Points[^1].Loss : null;
    }

    /// <summary>The most informative (resource, loss) pair: the furthest point reached, for model-based samplers.</summary>
    public (double Resource, double Loss)? Latest()
    {
        if (IsFailed)
        {
            return null;
        }

        if (Status == TrialStatus.Succeeded && FinalLoss is { } f)
        {
            return (MaxStep, f);
        }

        return Points.Length > 0 ? (Points[^1].Step, Points[^1].Loss) : null;
    }
}
