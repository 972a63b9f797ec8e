using ClusterTune.Torch;
using ClusterTune.Torch.Modules;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// The reference workload's small CNN for 28×28 grey images: "stem" (conv 1→16, pool), four blocks
/// "blocks.0".."blocks.3" (conv 16→32; conv 32→32 + pool; conv 32→64 + pool; fc 576→128) and a "head"
/// (fc 128→classes). freezeDepth k freezes the stem and blocks 0..k-1 (design guide §5b); no normalization layers,
/// so a frozen block is fully frozen (no running statistics that would drift).
/// </summary>
public sealed class ReferenceCnn : Module
{
    /// <summary>Architecture name recorded in checkpoint manifests.</summary>
    public const string Architecture = "clustertune-cnn-v1";
    public const int BlockCount = 4;
    public const string StemName = "stem";
    public const string BlocksName = "blocks";
    public const string HeadName = "head";
    public const string ConvName = "conv";
    public const string FcName = "fc";
    public const int Width = 16;
    public const int HiddenFeatures = 128;

    public ReferenceCnn(int classCount, Generator generator)
    {
        ClassCount = classCount;
        Stem = RegisterModule(StemName, new ConvBlock(1, Width, pool: true, generator));
        Blocks = RegisterModule(BlocksName, new Sequential(
            new ConvBlock(Width, 2 * Width, pool: false, generator),
            new ConvBlock(2 * Width, 2 * Width, pool: true, generator),
            new ConvBlock(2 * Width, 4 * Width, pool: true, generator),
            new DenseBlock(4 * Width * 3 * 3, HiddenFeatures, generator)));
        RegisterModule(HeadName, new Linear(HiddenFeatures, classCount, generator: generator));
    }

    public int ClassCount { get; }

    internal Module Stem { get; }

    internal Sequential Blocks { get; }

    public Module Head => NamedChildren().Single(c => c.Name == HeadName).Module;

    /// <summary>Replaces the task head by a freshly initialised one for <paramref name="classCount"/> classes.</summary>
    public void ReplaceHead(int classCount, Generator generator)
    {
        var old = ReplaceChild(HeadName, new Linear(HiddenFeatures, classCount, generator: generator));
        old.Dispose();
    }

    /// <summary>Names of the parameter-name prefixes frozen by freezeDepth k, in network order.</summary>
    public static IReadOnlyList<string> FrozenPrefixes(int freezeDepth)
    {
        if (freezeDepth is < 0 or > BlockCount)
        {
            throw new ArgumentOutOfRangeException(nameof(freezeDepth), freezeDepth, $"freezeDepth must be in 0..{BlockCount} for {Architecture}");
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

    /// <summary>The block modules in order (for LoRA wrapping of the unfrozen ones).</summary>
    internal IEnumerable<(int Index, Module Block)> BlockModules() =>
        Enumerable.Range(0, Blocks.Count).Select(i => (i, Blocks[i]));

    public override Tensor Forward(Tensor input)
    {
        using var stem = Stem.Forward(input);
        using var features = Blocks.Forward(stem);
        return Head.Forward(features);
    }
}
