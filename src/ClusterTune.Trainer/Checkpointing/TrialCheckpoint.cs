using System.Globalization;
using System.Text.Json;
using ClusterTune.Torch;
using ClusterTune.Torch.Checkpoints;
using ClusterTune.Torch.Modules;
using ClusterTune.Trainer.Lora;

namespace ClusterTune.Trainer.Checkpointing;

/// <summary>
/// The trainer's checkpoint directory (written atomically by <see cref="Checkpoint.Save"/>):
/// model.safetensors = merged weights under the plain architecture's names (a base model for the next fine-tune),
/// adapter.safetensors = the trainable tensors alone (LoRA A/B, biases, head) when r &gt; 0,
/// training.safetensors = every module tensor unmerged plus the RNG state, optimizer.safetensors = AdamW state,
/// manifest.json = architecture, params, metrics, step/epoch and the resume position in <see cref="ResumeKeys"/>.
/// </summary>
public static class TrialCheckpoint
{
    public const string AdapterFile = "adapter.safetensors";
    public const string TrainingFile = "training.safetensors";
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

    /// <summary>Writes a checkpoint of <paramref name="model"/> (and <paramref name="optimizerState"/>) into <paramref name="directory"/>.</summary>
    public static CheckpointManifest Save(string directory, Module model, CheckpointManifest manifest, IReadOnlyDictionary<string, Tensor>? optimizerState)
    {
        var unmerged = model.StateDict();
        var merged = MergedStateDict(model, out var owned);
        try
        {
            var training = new List<KeyValuePair<string, Tensor>>(unmerged);
            using var rng = Torch.Torch.GetRngState();
            training.Add(new(RngTensor, rng));
            var extra = new Dictionary<string, IEnumerable<KeyValuePair<string, Tensor>>> { [TrainingFile] = training };
            if (model.NamedModules().Any(m => m.Module is LoraAdapter))
            {
                extra[AdapterFile] = model.NamedParameters().Where(p => p.Parameter.RequiresGrad)
                    .Select(p => new KeyValuePair<string, Tensor>(p.Name, p.Parameter)).ToList();
            }

            return Checkpoint.Save(directory, merged, manifest, optimizerState, extra);
        }
        finally
        {
            foreach (var t in owned)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>Weights with every LoRA adapter merged into its base weight, under the base layer's names.</summary>
    public static Dictionary<string, Tensor> MergedStateDict(Module model, out List<Tensor> owned)
    {
        owned = [];
        var adapters = model.NamedModules().Where(m => m.Module is LoraAdapter).ToDictionary(m => m.Name, m => (LoraAdapter)m.Module);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in model.StateDict())
        {
            var dot = name.LastIndexOf('.');
            var owner = dot < 0 ? "" : name[..dot];
            var leaf = name[(dot + 1)..];
            if (adapters.TryGetValue(owner, out var adapter))
            {
                if (leaf is LoraAdapter.AName or LoraAdapter.BName)
                {
                    continue;
                }

                if (leaf == "weight")
                {
                    var mergedWeight = DisposeScope.Keep(adapter.MergedWeight());
                    owned.Add(mergedWeight);
                    result[name] = mergedWeight;
                    continue;
                }
            }

            result[name] = tensor;
        }

        return result;
    }

    /// <summary>Restores module tensors and the global RNG state written by <see cref="Save"/>.</summary>
    public static void LoadTrainingState(string directory, Module model)
    {
        var state = Checkpoint.LoadFile(directory, TrainingFile, verifyHash: true, keepDType: true)
            ?? throw new FileNotFoundException($"{Path.Combine(directory, TrainingFile)} not found: '{directory}' is not a resumable trainer checkpoint", Path.Combine(directory, TrainingFile));
        try
        {
            if (state.Remove(RngTensor, out var rng))
            {
                Torch.Torch.SetRngState(rng);
                rng.Dispose();
            }

            model.LoadStateDict(state);
        }
        finally
        {
            foreach (var t in state.Values)
            {
                t.Dispose();
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
