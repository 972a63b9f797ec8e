using System.Text.Json;

namespace ClusterTune.Trainer.Checkpointing;

/// <summary>
/// manifest.json of a checkpoint directory: what the weights are (architecture, hyperparameters), how good they are
/// (metrics), where they came from (parent checkpoint, pretraining LR) and the SHA-256 of each file, filled in by
/// <see cref="Checkpoint.Save"/>. Step/Epoch say where training stands so a resume continues exactly.
/// </summary>
public sealed record CheckpointManifest
{
    /// <summary>Manifest format version.</summary>
    public int Format { get; init; } = 1;

    /// <summary>Model architecture name (e.g. "cnn-small"), enough to rebuild the module before loading weights.</summary>
    public required string Architecture { get; init; }

    /// <summary>Hyperparameters (CT_PARAMS as given: numbers, strings).</summary>
    public IReadOnlyDictionary<string, JsonElement> Params { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Metric values at this checkpoint (e.g. "accuracy", "loss").</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>URI or path of the checkpoint these weights were trained from, if any.</summary>
    public string? ParentCheckpoint { get; init; }

    /// <summary>Learning rate the weights were (pre)trained with; fine-tuning LR = this × lrFactor.</summary>
    public double? PretrainingLr { get; init; }

    /// <summary>Optimizer steps taken so far.</summary>
    public long Step { get; init; }

    /// <summary>Epochs completed so far.</summary>
    public int Epoch { get; init; }

    /// <summary>Free-form string facts (LoRA rank/alpha/targets, data set, seed...).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>SHA-256 (lowercase hex) of model.safetensors; set by <see cref="Checkpoint.Save"/>.</summary>
    public string WeightsSha256 { get; init; } = "";

    /// <summary>SHA-256 of every file of the checkpoint except the manifest, by file name; set by <see cref="Checkpoint.Save"/>.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();
}
