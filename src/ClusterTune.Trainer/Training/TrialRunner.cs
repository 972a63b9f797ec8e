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
using Keys = ClusterTune.Trainer.Checkpointing.TrialCheckpoint.ResumeKeys;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// The `train` command: few-label fine-tuning of a base checkpoint (or from scratch; the workload follows its architecture) with the trial's
/// freezeDepth / lrFactor / loraRank, last and best checkpoints every epoch, exact resume from CT_RESUME_FROM.
/// </summary>
public sealed class TrialRunner(TrialOptions options, Device device, TrialReporter reporter, StopSignal stop, TextWriter log)
{
    public const string AdaptedGroup = "adapted";
    public const string HeadGroup = "head";

    public TrialResult Run()
    {
        var p = options.Parameters;
        var workload = Workload.Resolve(options);
        var data = workload.FineTuneData(options);
        log.WriteLine($"train: {workload.Architecture} on {data.Description}: {data.Train.Count} train / {data.Eval.Count} eval examples");
        torch.manual_seed(options.Seed);
        var knobs = new FineTuneKnobs(p.FreezeDepth, p.LoraRank, p.LoraAlpha, p.LoraTargets);
        var (model, baseLr) = BuildModel(workload, data.Train.ClassCount, knobs);
        using var _ = model;
        var plan = FineTuneSetup.Apply(model);
        // The last line of defence behind the operator's pre-start check (which only knows the architectures it can count).
        if (options.MaxTrainableParamsFraction is { } limit && plan.TrainableFraction > limit)
        {
            throw new ConstraintViolatedException(string.Create(CultureInfo.InvariantCulture,
                $"trainable fraction {plan.TrainableFraction:G4} ({plan.TrainableParameters}/{plan.TotalParameters}) is above maxTrainableParamsFraction {limit:G4} ({TrialEnv.MaxTrainableParamsFraction}); raise freezeDepth or use loraRank > 0"));
        }

        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train: freezeDepth={p.FreezeDepth} loraRank={p.LoraRank} lrFactor={p.LrFactor} headLrFactor={p.HeadLrFactor} base LR={baseLr}; trainable {plan.TrainableParameters}/{plan.TotalParameters} ({plan.TrainableFraction:P2})"));
        using var optimizer = new GroupedAdamW(
            [
                (AdaptedGroup, plan.Adapted.Select(a => a.Parameter).ToList(), baseLr * p.LrFactor),
                (HeadGroup, plan.Head.Select(a => a.Parameter).ToList(), baseLr * p.HeadLrFactor),
            ], p.WeightDecay);
        var perEpoch = BatchOrder.BatchesPerEpoch(data.Train.Count, options.BatchSize);
        var total = (long)perEpoch * options.Epochs;
        var schedule = new LrSchedule(LrDecay.Cosine, (long)Math.Round(total * p.WarmupFraction), total);

        // θ₀ of the auxiliary objective is taken here, after the base weights and before a resume state are loaded.
        using var l2sp = p.AuxWeight > 0 || p.AuxWeightEnd > 0 ? new L2SpPenalty(plan.Adapted.Select(a => a.Parameter)) : null;
        var auxWeight = new AuxWeightSchedule(p.AuxWeight, p.AuxWeightEnd ?? p.AuxWeight, p.AuxWeightSchedule, total);
        if (p.UnfreezeEvery > 0 || l2sp is not null)
        {
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train: unfreezeEvery={p.UnfreezeEvery} epoch(s); {(l2sp is null ? "no auxiliary objective" : $"loss = cross-entropy + α(t)·{p.AuxObjective}, α {auxWeight.Start:G3} → {auxWeight.End:G3} ({p.AuxWeightSchedule})")}"));
        }

        var position = new LoopPosition(0, 0, 0);
        double? bestObjective = null;
        var bestEpoch = 0;
        IReadOnlyDictionary<string, double> lastMetrics = new Dictionary<string, double>();
        var curve = new List<Api.V1Alpha1.Observation>();
        // A corrupt or unreadable resume checkpoint (hash mismatch, truncated file, missing manifest) is checked before
        // anything is loaded, so starting fresh from epoch 0 is safe; the result message says it happened.
        string? notice = null;
        if (options.ResumeFrom is { } corrupt && ResumeCheck.Problem(corrupt) is { } problem)
        {
            notice = $"resume checkpoint {corrupt} is unusable ({problem}); started fresh from epoch 0";
            log.WriteLine($"train: warning: {notice}");
        }
        else if (options.ResumeFrom is { } resume)
        {
            var manifest = Resume(resume, model, optimizer.Optimizer);
            position = new LoopPosition(manifest.Step, manifest.Epoch, TrialCheckpoint.ExtraInt(manifest, Keys.BatchInEpoch));
            bestObjective = TrialCheckpoint.ExtraDouble(manifest, Keys.BestObjective);
            bestEpoch = TrialCheckpoint.ExtraInt(manifest, Keys.BestEpoch);
            lastMetrics = manifest.Metrics;
            log.WriteLine($"train: resumed from {resume} at step {position.Step}, epoch {position.Epoch}, batch {position.BatchInEpoch}");
        }

        reporter.TrainableParameters(plan.TrainableParameters, plan.TrainableFraction, position.Step, position.Epoch);
        var lastDir = Path.Combine(options.CheckpointDir, TrialCheckpoint.LastName);
        var bestDir = Path.Combine(options.CheckpointDir, TrialCheckpoint.BestName);

        void Save(string dir, string kind, LoopPosition at, IReadOnlyDictionary<string, double> metrics)
        {
            try
            {
                TrialCheckpoint.Save(dir, model, Manifest(model, workload, kind, at, metrics, baseLr, plan, bestObjective, bestEpoch), optimizer.Optimizer, workload.ExtraFiles);
            }
            catch (IOException e) when (e is not CheckpointWriteException)
            {
                throw CheckpointWriteException.From(e, dir);
            }

            reporter.CheckpointSaved(kind, at.Step, at.Epoch);
        }

        var loop = new TrainingLoop(model, optimizer, schedule, data.Train, data.Eval, device, options.BatchSize, options.Seed, reporter, stop, options.MaxSteps)
        {
            EpochStarting = epoch => Unfreeze(plan, GradualUnfreezing.DepthAt(epoch, p.FreezeDepth, p.UnfreezeEvery, model.BlockCount), model),
            AuxiliaryLoss = l2sp is null ? null : step => auxWeight.At(step) * l2sp.Compute(),
            EpochEnded = (at, metrics) =>
            {
                lastMetrics = metrics;
                reporter.Evaluation(at.Step, at.Epoch, metrics);
                var objective = metrics[options.Objective];
                curve.Add(new Api.V1Alpha1.Observation { Epoch = at.Epoch, Step = at.Step, Value = objective });
                var improved = bestObjective is not { } best || (options.Maximize ? objective > best : objective < best);
                if (improved)
                {
                    bestObjective = objective;
                    bestEpoch = at.Epoch;
                }

                Save(lastDir, TrialCheckpoint.LastName, at, metrics);
                if (improved)
                {
                    Save(bestDir, TrialCheckpoint.BestName, at, metrics);
                }

                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"epoch {at.Epoch}/{options.Epochs} step {at.Step}: accuracy {metrics[Evaluator.Accuracy]:F4} loss {metrics[Evaluator.Loss]:F4}{(improved ? " (best)" : "")}"));
            },
        };
        var (end, stopped) = loop.Run(position, Math.Min(options.StopAtEpoch ?? options.Epochs, options.Epochs));
        if (stopped)
        {
            Save(lastDir, TrialCheckpoint.LastName, end, lastMetrics);
            var why = stop.StopRequested ? "stop requested (SIGTERM)" : $"step cap {options.MaxSteps} reached";
            log.WriteLine($"train: {why}; checkpoint saved at step {end.Step} to {lastDir}");
            return Result(TrialResult.Stopped, end, lastMetrics, bestObjective, plan, lastDir, bestDir, Join(notice, $"{why}; resume from {lastDir}")) with { Observations = Curve(curve) };
        }

        reporter.Flush();
        var paused = end.Epoch < options.Epochs ? $"paused after {end.Epoch} of {options.Epochs} epochs ({TrialEnv.StopAtEpoch}); resume from {lastDir}" : null;
        return Result(TrialResult.Succeeded, end, lastMetrics, bestObjective, plan, lastDir, bestDir, Join(notice, paused)) with { Observations = Curve(curve) };
    }

    // The depth in force this epoch (gradual unfreezing) on top of the trial's own: blocks not yet unfrozen keep
    // requires_grad = false, so they get no gradient and AdamW leaves them (and their moments) untouched.
    private static void Unfreeze(FineTunePlan plan, int depth, FineTuneModel model)
    {
        var frozen = model.FrozenUnits(depth);
        foreach (var (name, parameter) in plan.Adapted)
        {
            parameter.requires_grad = !frozen.Any(name.StartsWith);
        }
    }

    private static List<Api.V1Alpha1.Observation>? Curve(List<Api.V1Alpha1.Observation> curve) =>
        curve.Count == 0 ? null : curve.Skip(Math.Max(0, curve.Count - TrialResult.MaxObservations)).ToList();

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a}; {b}";

    private static TrialResult Result(string status, LoopPosition at, IReadOnlyDictionary<string, double> metrics, double? best, FineTunePlan plan, string lastDir, string bestDir, string? message) =>
        new(status, best, metrics, at.Epoch, at.Step, Directory.Exists(bestDir) ? bestDir : null, Directory.Exists(lastDir) ? lastDir : null,
            plan.TrainableParameters, plan.TrainableFraction, message);

    private (FineTuneModel Model, double BaseLr) BuildModel(Workload workload, int classCount, FineTuneKnobs knobs)
    {
        if (options.ModelPath is not { } modelPath)
        {
            return (workload.Build(classCount, knobs, device), options.PretrainingLearningRate ?? options.LearningRate);
        }

        double baseLr;
        Dictionary<string, Tensor> weights;
        if (PretrainedImport.IsBareFile(modelPath))
        {
            (weights, var metadata) = PretrainedImport.Load(modelPath);
            var fromFile = metadata.TryGetValue(PretrainedImport.PretrainingLrKey, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) ? lr : (double?)null;
            baseLr = options.PretrainingLearningRate ?? fromFile ?? throw new TrialConfigurationException(
                $"{modelPath} is a bare safetensors file without __metadata__.{PretrainedImport.PretrainingLrKey}; set {TrialEnv.PretrainingLearningRate} to the LR it was trained with (lrFactor scales it)");
            log.WriteLine($"train: importing {weights.Count} tensors from bare safetensors {modelPath} (PyTorch state-dict names)");
        }
        else
        {
            var manifest = Checkpoint.ReadManifest(modelPath);
            baseLr = options.PretrainingLearningRate ?? manifest.PretrainingLr
                ?? throw new TrialConfigurationException($"{modelPath}/manifest.json has no pretrainingLr; set {TrialEnv.PretrainingLearningRate}");
            weights = Checkpoint.LoadWeights(modelPath, manifest);
        }

        var model = workload.Build(classCount, knobs, device);
        try
        {
            // The task head is new (docs/design/knobs.md: the old softmax layer is replaced), adapters start fresh.
            TrialCheckpoint.CopyInto(model, weights, IsBaseWeight, PretrainedImport.IsBareFile(modelPath) ? modelPath : Path.Combine(modelPath, Checkpoint.WeightsFile));
            return (model, baseLr);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var t in weights.Values)
            {
                t.Dispose();
            }
        }
    }

    private static bool IsBaseWeight(string name) =>
        !name.StartsWith(FineTuneModel.HeadName + ".", StringComparison.Ordinal)
        && !name.EndsWith("." + Lora.LoraLayer.AName, StringComparison.Ordinal)
        && !name.EndsWith("." + Lora.LoraLayer.BName, StringComparison.Ordinal);

    private static void CheckArchitecture(CheckpointManifest manifest, string path, string architecture)
    {
        if (manifest.Architecture != architecture)
        {
            throw new TrialConfigurationException(
                $"{path} holds a '{manifest.Architecture}' model but this run trains '{architecture}' (from its base model or {TrialEnv.ModelArchitecture})");
        }
    }

    private CheckpointManifest Resume(string path, FineTuneModel model, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        var manifest = Checkpoint.ReadManifest(path);
        CheckArchitecture(manifest, path, model.ArchitectureName);
        var saved = string.Join(",", manifest.Params.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value.GetRawText().Trim('"')}"));
        var now = string.Join(",", options.Parameters.All.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        if (saved != now)
        {
            throw new TrialConfigurationException($"{TrialEnv.ResumeFrom}={path} was trained with params {{{saved}}} but this run has {{{now}}}; resume with the same {TrialEnv.Params}");
        }

        foreach (var (key, value) in new[] { (Keys.Seed, options.Seed), (Keys.LabelsPerClass, options.LabelsPerClass), (Keys.BatchSize, options.BatchSize), (Keys.Epochs, options.Epochs) })
        {
            if (TrialCheckpoint.ExtraInt(manifest, key) != value)
            {
                throw new TrialConfigurationException($"{TrialEnv.ResumeFrom}={path} was trained with {key}={TrialCheckpoint.Extra(manifest, key)} but this run has {value}; an exact resume needs the same value");
            }
        }

        TrialCheckpoint.LoadTrainingState(path, manifest, model, optimizer);
        return manifest;
    }

    private CheckpointManifest Manifest(FineTuneModel model, Workload workload, string kind, LoopPosition at, IReadOnlyDictionary<string, double> metrics, double baseLr, FineTunePlan plan, double? bestObjective, int bestEpoch)
    {
        var extra = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Keys.Kind] = kind,
            [Keys.BatchInEpoch] = at.BatchInEpoch.ToString(CultureInfo.InvariantCulture),
            [Keys.Seed] = options.Seed.ToString(CultureInfo.InvariantCulture),
            [Keys.ClassCount] = model.ClassCount.ToString(CultureInfo.InvariantCulture),
            [Keys.BestObjective] = bestObjective?.ToString("R", CultureInfo.InvariantCulture) ?? "",
            [Keys.BestEpoch] = bestEpoch.ToString(CultureInfo.InvariantCulture),
            [Keys.Objective] = options.Objective,
            [Keys.LabelsPerClass] = options.LabelsPerClass.ToString(CultureInfo.InvariantCulture),
            [Keys.BatchSize] = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            [Keys.Epochs] = options.Epochs.ToString(CultureInfo.InvariantCulture),
            [Keys.TrainableParameters] = plan.TrainableParameters.ToString(CultureInfo.InvariantCulture),
            [Keys.TotalParameters] = plan.TotalParameters.ToString(CultureInfo.InvariantCulture),
            [Keys.Dataset] = workload.Dataset,
        };
        return new CheckpointManifest
        {
            Architecture = model.ArchitectureName,
            Params = TrialCheckpoint.ParamsJson(options.Parameters.All),
            Metrics = metrics.Where(m => double.IsFinite(m.Value)).ToDictionary(),
            ParentCheckpoint = options.ModelPath,
            PretrainingLr = baseLr,
            Step = at.Step,
            Epoch = at.Epoch,
            Extra = extra,
        };
    }
}
