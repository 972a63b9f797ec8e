namespace ClusterTune.Trainer.Training;

/// <summary>
/// Linear warm-up then constant, linear or cosine decay to MinFactor, as a pure function of the step (the same
/// shape as Hugging Face's get_*_schedule_with_warmup): factor(0) = 0 with warm-up, 1 at the end of warm-up.
/// Kept (rather than a TorchSharp LR scheduler) because a pure function of the global step makes resume exact
/// without scheduler state in the checkpoint.
/// </summary>
public sealed record LrSchedule(LrDecay Decay, long WarmupSteps, long TotalSteps, double MinFactor = 0)
{
    /// <summary>The multiplier of the base learning rate at a step (0-based).</summary>
    public double Factor(long step)
    {
        if (WarmupSteps < 0 || TotalSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "warm-up and total steps must be >= 0");
        }

        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "step must be >= 0");
        }

        if (step < WarmupSteps)
        {
            return (double)step / WarmupSteps;
        }

        if (Decay == LrDecay.Constant)
        {
            return 1;
        }

        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Min(1.0, (double)(step - WarmupSteps) / span);
        var shape = Decay == LrDecay.Cosine ? 0.5 * (1 + Math.Cos(Math.PI * progress)) : 1 - progress;
        return MinFactor + (1 - MinFactor) * shape;
    }
}
