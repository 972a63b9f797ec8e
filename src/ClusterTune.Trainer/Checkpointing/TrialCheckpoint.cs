using System.Globalization;
using System.Text.Json;
using ClusterTune.Trainer.Lora;
using ClusterTune.Trainer.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Checkpointing;

/// <summary>
/// The trainer's checkpoint directory (written atomically by <see cref="Checkpoint.Save"/>):
/// model.safetensors = merged weights under the plain architecture's names (a base model for the next fine-tune),
/// adapter.safetensors = the trainable tensors alone (LoRA A/B, biases, head) when r &gt; 0,
/// training.safetensors = every module tensor unmerged plus the RNG state, optimizer.bin = AdamW state in
/// TorchSharp's own format, manifest.json = architecture, params, metrics, step/epoch and the resume position in
/// <see cref="ResumeKeys"/>.
/// </summary>
public static class TrialCheckpoint
{
    public const string AdapterFile = "adapter.safetensors";
    public const string TrainingFile = "training.safetensors";
    public const string OptimizerFile = "optimizer.bin";
    public const string RngTensor = "__rng.global";
    public const string LastName = "last";
    public const string BestName = "best";

    /// <summary>Keys of <see cref="CheckpointManifest.Extra"/> that locate a resume exactly.</summary>
    public static class ResumeKeys
    {
        public const string BatchInEpoch = "batchInEpoch";
        public const string Seed = "seed";
        public const string ClassCount = "classCount";
        public const string BestObjective = "bestObjective";
        public const string BestEpoch = "bestEpoch";
        public const string Objective = "objective";
        public const string Kind = "kind";
        public const string LabelsPerClass = "labelsPerClass";
        public const string BatchSize = "batchSize";
        public const string Epochs = "epochs";
        public const string TrainableParameters = "trainableParameters";
        public const string TotalParameters = "totalParameters";
        public const string Dataset = "dataset";
    }

    /// <summary>Writes a checkpoint of <paramref name="model"/> (and <paramref name="optimizer"/>) into <paramref name="directory"/>.</summary>
    public static CheckpointManifest Save(string directory, FineTuneModel model, CheckpointManifest manifest, OptimizerHelper? optimizer, IReadOnlyList<Checkpoint.FileWriter>? extraFiles = null)
    {
        using var scope = NewDisposeScope();
        var files = new List<Checkpoint.FileWriter> { Checkpoint.Tensors(Checkpoint.WeightsFile, MergedStateDict(model)) };
        if (optimizer is not null)
        {
            var training = new Dictionary<string, Tensor>(model.state_dict(), StringComparer.Ordinal) { [RngTensor] = torch.get_rng_state() };
            files.Add(Checkpoint.Tensors(TrainingFile, training));
            files.Add(new Checkpoint.FileWriter(OptimizerFile, path =>
            {
                using var writer = new BinaryWriter(File.Create(path));
                optimizer.save_state_dict(writer);
            }));
        }

        if (model.Knobs.LoraRank > 0)
        {
            files.Add(Checkpoint.Tensors(AdapterFile, model.named_parameters().Where(p => p.parameter.requires_grad)
                .Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter))));
        }

        files.AddRange(extraFiles ?? []);
        return Checkpoint.Save(directory, manifest, files);
    }

    /// <summary>Weights with every LoRA adapter merged into its base weight, under the base layer's names (tracked by the current dispose scope).</summary>
    public static Dictionary<string, Tensor> MergedStateDict(FineTuneModel model)
    {
        var adapters = model.Layers().Where(l => l.Layer.Rank > 0).ToDictionary(l => l.Name, l => l.Layer);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using var noGrad = no_grad();
        foreach (var (name, tensor) in model.state_dict())
        {
            var dot = name.LastIndexOf('.');
            var owner = dot < 0 ? "" : name[..dot];
            var leaf = name[(dot + 1)..];
            if (adapters.TryGetValue(owner, out var adapter))
            {
                if (leaf is LoraLayer.AName or LoraLayer.BName)
                {
                    continue;
                }

                if (leaf == LoraLayer.WeightName)
                {
                    result[name] = adapter.EffectiveWeight();
                    continue;
                }
            }

            result[name] = tensor;
        }

        return result;
    }

    /// <summary>
    /// Copies <paramref name="tensors"/> into the module's parameters whose names <paramref name="include"/> accepts;
    /// every such parameter must be present with the same shape, and no tensor may be left over, or the error names
    /// the tensor and <paramref name="source"/>.
    /// </summary>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, Func<string, bool> include, string source)
    {
        using var noGrad = no_grad();
        var expected = module.state_dict().Where(kv => include(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var extra = tensors.Keys.Where(include).Except(expected.Keys).ToList();
        var architecture = (module as FineTuneModel)?.ArchitectureName ?? module.GetName();
        if (extra.Count > 0)
        {
            throw new InvalidDataException($"{source}: holds tensors this model does not have ({string.Join(", ", extra.Take(5))}); not a {architecture} checkpoint of this shape (names must be the PyTorch state-dict names of docs/trainer.md, Importing weights)");
        }

        foreach (var (name, target) in expected)
        {
            if (!tensors.TryGetValue(name, out var value))
            {
                throw new InvalidDataException($"{source}: lacks tensor '{name}'; not a {architecture} checkpoint of this shape");
            }

            if (!value.shape.SequenceEqual(target.shape))
            {
                throw new InvalidDataException($"{source}: tensor '{name}' has shape [{string.Join(", ", value.shape)}] but the model needs [{string.Join(", ", target.shape)}]");
            }

            target.copy_(value);
        }
    }

    /// <summary>Restores module tensors, the global RNG state and the optimizer written by <see cref="Save"/>.</summary>
    public static void LoadTrainingState(string directory, CheckpointManifest manifest, FineTuneModel model, OptimizerHelper optimizer)
    {
        var state = Checkpoint.LoadTensors(directory, manifest, TrainingFile)
            ?? throw new FileNotFoundException($"{Path.Combine(directory, TrainingFile)} not found: '{directory}' is not a resumable trainer checkpoint", Path.Combine(directory, TrainingFile));
        try
        {
            if (state.Remove(RngTensor, out var rng))
            {
                torch.set_rng_state(rng);
                rng.Dispose();
            }

            CopyInto(model, state, _ => true, Path.Combine(directory, TrainingFile));
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
            }
        }

        if (Checkpoint.VerifiedFile(directory, manifest, OptimizerFile) is { } path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            try
            {
                optimizer.load_state_dict(reader);
            }
            catch (Exception e) when (e is not IOException and not UnauthorizedAccessException and not OutOfMemoryException)
            {
                throw new InvalidDataException($"{path}: optimizer state does not match this run's parameter groups ({e.Message}); resume with the same params", e);
            }
        }
    }

    public static string Extra(CheckpointManifest manifest, string key) =>
        manifest.Extra.TryGetValue(key, out var v) ? v : throw new InvalidDataException($"checkpoint manifest lacks '{key}' in extra; it was not written by this trainer's train command");

    public static int ExtraInt(CheckpointManifest manifest, string key) => int.Parse(Extra(manifest, key), CultureInfo.InvariantCulture);

    public static double? ExtraDouble(CheckpointManifest manifest, string key) =>
        manifest.Extra.TryGetValue(key, out var v) && v.Length > 0 ? double.Parse(v, CultureInfo.InvariantCulture) : null;

    /// <summary>CT_PARAMS as JSON elements for the manifest.</summary>
    public static Dictionary<string, JsonElement> ParamsJson(IReadOnlyDictionary<string, string> raw)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (k, v) in raw)
        {
            try
            {
                result[k] = JsonDocument.Parse(v).RootElement.Clone();
            }
            catch (JsonException)
            {
                result[k] = JsonSerializer.SerializeToElement(v);
            }
        }

        return result;
    }
}
