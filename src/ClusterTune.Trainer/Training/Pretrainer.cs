using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Checkpointing;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Reporting;
using ClusterTune.Trainer.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// The `pretrain` command: trains the workload's model from scratch (CT_MODEL_ARCHITECTURE: the CNN on Fashion-MNIST,
/// or the text encoder on masked tokens of the SpamAssassin corpus) and saves the base checkpoint to
/// &lt;checkpoint dir&gt;/base (weights, the vocabulary for text, manifest with the pretraining LR). Not resumable: it is short.
/// </summary>
public sealed class Pretrainer(TrialOptions options, Device device, TrialReporter reporter, StopSignal stop, TextWriter log)
{
    public const string BaseDirectory = "base";

    public TrialResult Run()
    {
        var workload = Workload.Resolve(options with { ModelPath = null });
        var data = workload.PretrainData(options);
        log.WriteLine($"pretrain: {data.Description}; eval on {data.Eval.Count}; {options.Epochs} epochs, batch {options.BatchSize}, LR {options.LearningRate.ToString(CultureInfo.InvariantCulture)}");
        torch.manual_seed(options.Seed);
        using var model = workload.Build(data.Train.ClassCount, FineTuneKnobs.None, device, perToken: true);
        var plan = FineTuneSetup.Apply(model);
        using var optimizer = new GroupedAdamW([("all", plan.Trainable.Select(p => p.Parameter).ToList(), options.LearningRate)], options.Parameters.WeightDecay);
        var total = (long)BatchOrder.BatchesPerEpoch(data.Train.Count, options.BatchSize) * options.Epochs;
        var schedule = new LrSchedule(LrDecay.Cosine, (long)Math.Round(total * options.Parameters.WarmupFraction), total);
        reporter.TrainableParameters(plan.TrainableParameters, 1.0, 0, 0);
        IReadOnlyDictionary<string, double> metrics = new Dictionary<string, double>();
        var loop = new TrainingLoop(model, optimizer, schedule, data.Train, data.Eval, device, options.BatchSize, options.Seed, reporter, stop, options.MaxSteps)
        {
            EpochEnded = (at, m) =>
            {
                metrics = m;
                reporter.Evaluation(at.Step, at.Epoch, m);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {at.Epoch}/{options.Epochs} step {at.Step}: accuracy {m[Evaluator.Accuracy]:F4} loss {m[Evaluator.Loss]:F4}"));
            },
        };
        var (end, stopped) = loop.Run(new LoopPosition(0, 0, 0), options.Epochs);
        var count = plan.TotalParameters;
        if (stopped && stop.StopRequested)
        {
            return new TrialResult(TrialResult.Stopped, null, metrics, end.Epoch, end.Step, null, null, count, 1.0, "pretraining stopped before the end; no base checkpoint written");
        }

        var dir = Path.Combine(options.CheckpointDir, BaseDirectory);
        TrialCheckpoint.Save(dir, model, new CheckpointManifest
        {
            Architecture = model.ArchitectureName,
            Metrics = metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(),
            PretrainingLr = options.LearningRate,
            Step = end.Step,
            Epoch = end.Epoch,
            Extra = new Dictionary<string, string>(data.Notes)
            {
                ["dataset"] = data.Description,
                ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
                ["batchSize"] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            },
        }, optimizer: null, workload.ExtraFiles);
        reporter.CheckpointSaved(BaseDirectory, end.Step, end.Epoch);
        log.WriteLine($"pretrain: base checkpoint written to {dir}");
        return new TrialResult(TrialResult.Succeeded, metrics.GetValueOrDefault(options.Objective), metrics, end.Epoch, end.Step, dir, dir, count, 1.0);
    }
}
