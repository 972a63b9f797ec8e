namespace ClusterTune.Api.Contract;

/// <summary>
/// The layer shapes of a base-model architecture, enough to count its trainable parameters under the fine-tuning
/// knobs (design guide §5b) without loading any weights: the operator checks maxTrainableParamsFraction before a
/// trial starts, and the trainer's own count of the built model must agree (a trainer test compares them).
/// </summary>
/// <param name="Name">The architecture name (spec.model.architecture, CT_MODEL_ARCHITECTURE).</param>
/// <param name="Units">Stem then blocks in network order: freezeDepth k freezes the first k + 1 of them (k = 0 freezes nothing).</param>
/// <param name="Head">The freshly initialised task head: always trainable, never adapted.</param>
public sealed record ArchitectureShape(string Name, IReadOnlyList<ArchitectureShape.Layer> Units, ArchitectureShape.Layer Head)
{
    /// <summary>LoRA target kind of convolutions (CT_PARAMS.loraTargets).</summary>
    public const string ConvKind = "conv";

    /// <summary>LoRA target kind of fully connected layers.</summary>
    public const string LinearKind = "linear";

    /// <summary>The default LoRA targets: every adaptable layer.</summary>
    public static IReadOnlyList<string> AllTargets { get; } = [ConvKind, LinearKind];

    /// <summary>One weight layer: its kind, output size and fan-in (in·k·k for a convolution); it has a bias.</summary>
    public sealed record Layer(string Kind, long Outputs, long FanIn)
    {
        public long Weights => Outputs * FanIn;

        public long Bias => Outputs;

        public long Adapter(int rank) => rank * (FanIn + Outputs);
    }

    /// <summary>Blocks after the stem: the largest freezeDepth.</summary>
    public int BlockCount => Units.Count - 1;

    /// <summary>
    /// Trainable and total parameter counts for the knobs, or null when <paramref name="freezeDepth"/> or
    /// <paramref name="loraRank"/> is out of range (the trainer refuses those with its own message).
    /// </summary>
    public (long Trainable, long Total)? Count(int freezeDepth, int loraRank, IReadOnlyCollection<string>? loraTargets = null)
    {
        if (freezeDepth < 0 || freezeDepth > BlockCount || loraRank < 0)
        {
            return null;
        }

        var targets = loraTargets ?? AllTargets;
        long trainable = Head.Weights + Head.Bias, total = Head.Weights + Head.Bias;
        var frozenUnits = freezeDepth == 0 ? 0 : freezeDepth + 1;
        for (var i = 0; i < Units.Count; i++)
        {
            var layer = Units[i];
            var frozen = i < frozenUnits;
            // Adapters are built only on unfrozen, targeted layers; with r > 0 every base weight is frozen.
            var adapter = loraRank > 0 && !frozen && targets.Contains(layer.Kind) ? layer.Adapter(loraRank) : 0;
            total += layer.Weights + layer.Bias + adapter;
            if (!frozen)
            {
                trainable += layer.Bias + adapter + (loraRank > 0 ? 0 : layer.Weights);
            }
        }

        return (trainable, total);
    }

    /// <summary>The trainable fraction for the knobs, or null when they are out of range.</summary>
    public double? TrainableFraction(int freezeDepth, int loraRank, IReadOnlyCollection<string>? loraTargets = null) =>
        Count(freezeDepth, loraRank, loraTargets) is { } c && c.Total > 0 ? (double)c.Trainable / c.Total : null;

    /// <summary>ClusterTune's reference CNN for 28×28 grey images, fine-tuned on the 10 MNIST digits.</summary>
    public static ArchitectureShape ReferenceCnn { get; } = new(
        "clustertune-cnn-v1",
        [
            new(ConvKind, 16, 1 * 3 * 3),
            new(ConvKind, 32, 16 * 3 * 3),
            new(ConvKind, 32, 32 * 3 * 3),
            new(ConvKind, 64, 32 * 3 * 3),
            new(LinearKind, 128, 64 * 3 * 3),
        ],
        new(LinearKind, 10, 128));

    /// <summary>The shape of a known architecture, or null (then only the trainer can check the constraint).</summary>
    public static ArchitectureShape? Find(string? name) =>
        string.Equals(name, ReferenceCnn.Name, StringComparison.Ordinal) ? ReferenceCnn : null;
}
