using ClusterTune.Trainer.Lora;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// The reference workload's small CNN for 28×28 grey images: "stem" (conv 1→16, pool), four blocks
/// "blocks.0".."blocks.3" (conv 16→32; conv 32→32 + pool; conv 32→64 + pool; fc 576→128) and a "head"
/// (fc 128→classes). Parameter names follow PyTorch's state-dict naming. No normalization layers, so a frozen block
/// is fully frozen (no running statistics that would drift). LoRA adapters are built in from the knobs, since a
/// TorchSharp module cannot swap a child after construction.
/// </summary>
public sealed class ReferenceCnn : FineTuneModel
{
    /// <summary>Architecture name recorded in checkpoint manifests.</summary>
    public const string Architecture = "clustertune-cnn-v1";
    public const int Blocks = 4;
    public const string StemName = "stem";
    public const string BlocksName = "blocks";
    public const string ConvName = "conv";
    public const string FcName = "fc";
    public const int Width = 16;
    public const int HiddenFeatures = 128;

    // Registered by RegisterComponents under their ComponentName (TorchSharp's reflection over fields).
    [ComponentName(Name = StemName)]
    private readonly ConvBlock _stem;
    [ComponentName(Name = BlocksName)]
    private readonly Sequential _blocks;
    [ComponentName(Name = HeadName)]
    private readonly LoraLayer _head;

    /// <summary>
    /// Builds the network for <paramref name="classCount"/> classes with the adapters <paramref name="knobs"/> ask
    /// for, directly on <paramref name="device"/> (default CPU).
    /// </summary>
    public ReferenceCnn(int classCount, FineTuneKnobs? knobs = null, Device? device = null)
        : base(nameof(ReferenceCnn), classCount, knobs)
    {
        var frozen = FrozenPrefixes(Knobs.FreezeDepth);
        var targets = LoraTargets([LoraLayer.ConvKind, LoraLayer.LinearKind], [LoraLayer.ConvKind, LoraLayer.LinearKind]);

        int Rank(string unit, string kind) =>
            Knobs.LoraRank > 0 && !frozen.Contains(unit + ".") && targets.Contains(kind) ? Knobs.LoraRank : 0;
        string Block(int i) => $"{BlocksName}.{i}";
        const string conv = LoraLayer.ConvKind;
        _stem = new ConvBlock(1, Width, pool: true, Rank(StemName, conv), Knobs.Alpha, device);
        _blocks = nn.Sequential(
            new ConvBlock(Width, 2 * Width, pool: false, Rank(Block(0), conv), Knobs.Alpha, device),
            new ConvBlock(2 * Width, 2 * Width, pool: true, Rank(Block(1), conv), Knobs.Alpha, device),
            new ConvBlock(2 * Width, 4 * Width, pool: true, Rank(Block(2), conv), Knobs.Alpha, device),
            new DenseBlock(4 * Width * 3 * 3, HiddenFeatures, Rank(Block(3), LoraLayer.LinearKind), Knobs.Alpha, device));
        _head = LoraLayer.Linear(HiddenFeatures, classCount, device: device);
        RegisterComponents();
    }

    public override string ArchitectureName => Architecture;

    public override int BlockCount => Blocks;

    public override IReadOnlyList<string> FrozenUnits(int depth) => FrozenPrefixes(depth);

    /// <summary>Names of the parameter-name prefixes frozen by freezeDepth k, in network order.</summary>
    public static IReadOnlyList<string> FrozenPrefixes(int freezeDepth)
    {
        if (freezeDepth is < 0 or > Blocks)
        {
            throw new ArgumentOutOfRangeException(nameof(freezeDepth), freezeDepth, $"freezeDepth must be in 0..{Blocks} for {Architecture}");
        }

        var prefixes = new List<string>();
        if (freezeDepth > 0)
        {
            prefixes.Add(StemName + ".");
        }

        for (var i = 0; i < freezeDepth; i++)
        {
            prefixes.Add($"{BlocksName}.{i}.");
        }

        return prefixes;
    }

    public override Tensor forward(Tensor input)
    {
        using var stem = _stem.forward(input);
        using var features = _blocks.forward(stem);
        return _head.forward(features);
    }
}
