using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Torch;
using ClusterTune.Torch.Checkpoints;
using ClusterTune.Torch.Optim;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// The `pretrain` command: trains <see cref="ReferenceCnn"/> on Fashion-MNIST from scratch and saves the base
/// checkpoint to &lt;checkpoint dir&gt;/base (weights + manifest with the pretraining LR). Not resumable: it is short.
/// </summary>
public sealed class Pretrainer(TrialOptions options, TrialReporter reporter, StopSignal stop, TextWriter log)
{
    public const string BaseDirectory = "base";

    public TrialResult Run()
    {
        var data = TrialData.Fashion(options);
        log.WriteLine($"pretrain: {data.Description}; eval on {data.Eval.Count}; {options.Epochs} epochs, batch {options.BatchSize}, LR {options.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        Torch.Torch.ManualSeed((ulong)options.Seed);
        using var generator = new Generator((ulong)options.Seed);
        using var model = new ReferenceCnn(data.Train.ClassCount, generator);
        var all = model.NamedParameters().ToList();
        using var optimizer = new AdamW([new ParamGroup(all.Select(p => p.Parameter).ToList(), options.LearningRate, options.Parameters.WeightDecay, "all")]);
        var total = (long)BatchOrder.BatchesPerEpoch(data.Train.Count, options.BatchSize) * options.Epochs;
        var schedule = new LrSchedule(LrDecay.Cosine, (long)Math.Round(total * options.Parameters.WarmupFraction), total);
        reporter.TrainableParameters(model.CountParameters(true), 1.0, 0, 0);
        IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
        var loop = new TrainingLoop(model, optimizer, schedule, data.Train, data.Eval, options.BatchSize, options.Seed, reporter, stop, options.MaxSteps)
        {
            EpochEnded = (at, m) =>
            {
                metrics = m;
                reporter.Evaluation(at.Step, at.Epoch, m);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {at.Epoch}/{options.Epochs} step {at.Step}: accuracy {m[Evaluator.Accuracy]:F4} loss {m[Evaluator.Loss]:F4}"));
            },
        };
        var (end, stopped) = loop.Run(new LoopPosition(0, 0, 0), options.Epochs);
        var count = model.CountParameters();
        if (stopped && stop.StopRequested)
        {
            return new TrialResult(TrialResult.Stopped, null, metrics, end.Epoch, end.Step, null, null, count, 1.0, "pretraining stopped before the end; no base checkpoint written");
        }

        var dir = Path.Combine(options.CheckpointDir, BaseDirectory);
        Checkpoint.Save(dir, model.StateDict(), new CheckpointManifest
        {
            Architecture = ReferenceCnn.Architecture,
            Metrics = metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(),
            PretrainingLr = options.LearningRate,
            Step = end.Step,
            Epoch = end.Epoch,
            Extra = new Dictionary<string, string>
            {
                ["dataset"] = data.Description,
                ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                ["batchSize"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
                ["normalization"] = string.Create(CultureInfo.InvariantCulture, $"mean {data.Mean:R} std {data.Std:R}"),
            },
        });
        reporter.CheckpointSaved(BaseDirectory, end.Step, end.Epoch);
        log.WriteLine($"pretrain: base checkpoint written to {dir}");
        return new TrialResult(TrialResult.Succeeded, metrics.GetValueOrDefault(options.Objective), metrics, end.Epoch, end.Step, dir, dir, count, 1.0);
    }
}
