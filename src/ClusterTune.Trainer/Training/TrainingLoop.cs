using System.Diagnostics;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// The epoch/step loop shared by `pretrain` and `train`: example order from (seed, epoch), LR from the schedule at
/// the global step, one dispose scope per step (flat memory), evaluation at every epoch end, and a stop check
/// after every step so SIGTERM never interrupts a step half-way. The loss is the main objective (cross-entropy) plus
/// the optional weighted auxiliary term.
/// </summary>
internal sealed class TrainingLoop(
    FineTuneModel model,
    GroupedAdamW optimizer,
    LrSchedule schedule,
    IExampleSet train,
    IExampleSet eval,
    Device device,
    int batchSize,
    int seed,
    TrialReporter reporter,
    StopSignal stop,
    long maxSteps)
{
    /// <summary>Called after each epoch's evaluation with the position after the epoch and the metrics.</summary>
    public required Action<LoopPosition, IReadOnlyDictionary<string, double>> EpochEnded { get; init; }

    /// <summary>Called before each epoch's first step (also for the epoch a resume starts in), e.g. to unfreeze a block.</summary>
    public Action<int>? EpochStarting { get; init; }

    /// <summary>The weighted auxiliary term α(t)·aux at a global step, added to the main loss; null for none.</summary>
    public Func<long, Tensor?>? AuxiliaryLoss { get; init; }

    /// <summary>Runs until <paramref name="epochs"/> are done or a stop is requested; returns the final position.</summary>
    public (LoopPosition Position, bool Stopped) Run(LoopPosition start, int epochs)
    {
        var batches = new Batches(train, batchSize, device);
        var perEpoch = BatchOrder.BatchesPerEpoch(train.Count, batchSize);
        var step = start.Step;
        var clock = new Stopwatch();
        model.train();
        for (var epoch = start.Epoch; epoch < epochs; epoch++)
        {
            EpochStarting?.Invoke(epoch);
            var order = BatchOrder.Permutation(train.Count, seed, epoch);
            for (var b = epoch == start.Epoch ? start.BatchInEpoch : 0; b < perEpoch; b++)
            {
                if (stop.StopRequested || (maxSteps > 0 && step >= maxSteps))
                {
                    return (new LoopPosition(step, epoch, b), true);
                }

                clock.Restart();
                optimizer.ApplyScheduleMultiplier(schedule.Factor(step));
                double loss;
                using (NewDisposeScope())
                {
                    var span = order.AsSpan(b * batchSize, Math.Min(batchSize, train.Count - (b * batchSize)));
                    var (inputs, labels) = batches.Make(span);
                    var (logits, scored) = model.Scored(inputs, labels);
                    var lossTensor = F.cross_entropy(logits, scored);
                    if (AuxiliaryLoss?.Invoke(step) is { } auxiliary)
                    {
                        lossTensor += auxiliary;
                    }

                    optimizer.Optimizer.zero_grad();
                    lossTensor.backward();
                    optimizer.Optimizer.step();
                    loss = lossTensor.item<float>();
                }

                step++;
                reporter.TrainStep(step, epoch, loss, optimizer.Lr(0), clock.Elapsed.TotalSeconds);
                if (!double.IsFinite(loss))
                {
                    throw new TrainingDivergedException($"training loss became {loss} at step {step} (epoch {epoch}); lower lrFactor/headLrFactor");
                }
            }

            var metrics = Evaluator.Evaluate(model, eval, device);
            EpochEnded(new LoopPosition(step, epoch + 1, 0), metrics);
        }

        return (new LoopPosition(step, epochs, 0), false);
    }
}
