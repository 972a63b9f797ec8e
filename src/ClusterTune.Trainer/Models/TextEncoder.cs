using ClusterTune.Trainer.Lora;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Models;

/// <summary>
/// The text workload's model, a small pre-LN transformer encoder: "embed" (token and learned position embeddings),
/// four encoder layers "layers.0".."layers.3" (self-attention with q/k/v/o projections, then a GELU feed-forward
/// "ffn.up"/"ffn.down"), a final "norm" and a "head". Classification mean-pools the non-[PAD] positions into the
/// head; masked-token pretraining (<see cref="PerToken"/>) applies the head at every position. freezeDepth k freezes
/// the embeddings and layers 0..k-1; LoRA targets "q", "k", "v", "o", "ffn" (default q and v, as in the LoRA paper)
/// and freezes the embeddings.
/// </summary>
public sealed class TextEncoder : FineTuneModel
{
    public const string Architecture = "clustertune-text-v1";
    public const int LayerCount = 4;
    public const int Width = 64;
    public const int Heads = 4;
    public const int FeedForward = 128;
    public const int MaxLength = 64;
    public const string EmbedName = "embed";
    public const string LayersName = "layers";
    public static readonly string[] DefaultTargets = [SelfAttention.Q, SelfAttention.V];
    public static readonly string[] Targets = [SelfAttention.Q, SelfAttention.K, SelfAttention.V, SelfAttention.O, EncoderLayer.FfnKind];

    [ComponentName(Name = EmbedName)]
    private readonly TokenEmbedding _embed;
    [ComponentName(Name = LayersName)]
    private readonly ModuleList<EncoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private readonly LayerNorm _norm;
    [ComponentName(Name = HeadName)]
    private readonly LoraLayer _head;

    public TextEncoder(int vocabularySize, int classCount, FineTuneKnobs? knobs = null, bool perToken = false, Device? device = null)
        : base(nameof(TextEncoder), classCount, knobs)
    {
        var targets = LoraTargets(DefaultTargets, Targets);

        var frozen = FrozenUnits(Knobs.FreezeDepth);
        int Rank(int layer, string kind) =>
            Knobs.LoraRank > 0 && !frozen.Contains($"{LayersName}.{layer}.") && targets.Contains(kind) ? Knobs.LoraRank : 0;
        PerToken = perToken;
        _embed = new TokenEmbedding(vocabularySize, MaxLength, Width, device);
        _layers = nn.ModuleList([.. Enumerable.Range(0, LayerCount).Select(i => new EncoderLayer(Width, Heads, FeedForward, kind => Rank(i, kind), Knobs.Alpha, device))]);
        _norm = nn.LayerNorm(Width, device: device);
        _head = LoraLayer.Linear(Width, classCount, device: device);
        RegisterComponents();
    }

    public override string ArchitectureName => Architecture;

    public override int BlockCount => LayerCount;

    /// <summary>True for masked-token pretraining: logits [n, L, classes] instead of [n, classes].</summary>
    public bool PerToken { get; }

    public override IReadOnlyList<string> FrozenUnderLora => [EmbedName + "."];

    public override IReadOnlyList<string> FrozenUnits(int depth)
    {
        if (depth is < 0 or > LayerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"freezeDepth must be in 0..{LayerCount} for {Architecture}");
        }

        return depth == 0 ? [] : [EmbedName + ".", .. Enumerable.Range(0, depth).Select(i => $"{LayersName}.{i}.")];
    }

    public override Tensor forward(Tensor input)
    {
        var (x, pad) = Encode(input);
        if (PerToken)
        {
            return _head.forward(x);
        }

        var keep = pad.logical_not().unsqueeze(-1).to_type(ScalarType.Float32);
        var pooled = x.mul(keep).sum(1).div(keep.sum(1).clamp_min(1));
        return _head.forward(pooled);
    }

    /// <summary>Masked-token pretraining scores only the masked positions: the vocabulary-sized head runs on those (~15 %) alone.</summary>
    public override (Tensor Logits, Tensor Labels) Scored(Tensor inputs, Tensor labels)
    {
        if (!PerToken)
        {
            return base.Scored(inputs, labels);
        }

        var (x, _) = Encode(inputs);
        var scored = labels.ne(Data.MaskedTokens.Ignored);
        return (_head.forward(x[scored]), labels[scored]);
    }

    // The final-norm hidden states [n, L, width] and the [PAD] mask [n, L].
    private (Tensor Hidden, Tensor Pad) Encode(Tensor input)
    {
        var pad = input.eq(Data.Vocabulary.Pad);
        // Additive attention bias: a [PAD] key gets -1e9, so softmax gives it no weight.
        var bias = pad.unsqueeze(1).unsqueeze(1).to_type(ScalarType.Float32).mul(-1e9);
        var x = _embed.forward(input);
        foreach (var layer in _layers)
        {
            x = layer.forward(x, bias);
        }

        return (_norm.forward(x), pad);
    }
}

/// <summary>Token embeddings "tokens" [vocabulary, width] plus learned positions "positions" [max length, width], N(0, 0.02) init.</summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "tokens")]
    private readonly Parameter _tokens;
    [ComponentName(Name = "positions")]
    private readonly Parameter _positions;

    public TokenEmbedding(int vocabularySize, int maxLength, int width, Device? device)
        : base(nameof(TokenEmbedding))
    {
        _tokens = new Parameter(normal(0, 0.02, [vocabularySize, width], device: device));
        _positions = new Parameter(normal(0, 0.02, [maxLength, width], device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor ids)
    {
        var (n, length) = (ids.shape[0], ids.shape[1]);
        return _tokens.index_select(0, ids.reshape(-1)).view(n, length, -1).add(_positions.narrow(0, 0, length));
    }
}

/// <summary>Pre-LN encoder layer: x + attn(norm1(x)), then x + ffn(norm2(x)) with ffn = down(GELU(up(·))).</summary>
public sealed class EncoderLayer : nn.Module<Tensor, Tensor, Tensor>
{
    public const string FfnKind = "ffn";

    [ComponentName(Name = "norm1")]
    private readonly LayerNorm _norm1;
    [ComponentName(Name = "attn")]
    private readonly SelfAttention _attn;
    [ComponentName(Name = "norm2")]
    private readonly LayerNorm _norm2;
    [ComponentName(Name = "ffn")]
    private readonly FeedForwardBlock _ffn;

    public EncoderLayer(int width, int heads, int feedForward, Func<string, int> rank, double alpha, Device? device)
        : base(nameof(EncoderLayer))
    {
        _norm1 = nn.LayerNorm(width, device: device);
        _attn = new SelfAttention(width, heads, rank, alpha, device);
        _norm2 = nn.LayerNorm(width, device: device);
        _ffn = new FeedForwardBlock(width, feedForward, rank(FfnKind), alpha, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor bias)
    {
        x = x.add(_attn.forward(_norm1.forward(x), bias));
        return x.add(_ffn.forward(_norm2.forward(x)));
    }
}

/// <summary>"up" [hidden, width] and "down" [width, hidden] with GELU between; LoRA kind "ffn".</summary>
public sealed class FeedForwardBlock : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "up")]
    private readonly LoraLayer _up;
    [ComponentName(Name = "down")]
    private readonly LoraLayer _down;

    public FeedForwardBlock(int width, int hidden, int rank, double alpha, Device? device)
        : base(nameof(FeedForwardBlock))
    {
        _up = LoraLayer.Linear(width, hidden, rank, alpha, device);
        _down = LoraLayer.Linear(hidden, width, rank, alpha, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => _down.forward(F.gelu(_up.forward(x)));
}

/// <summary>Multi-head self-attention with projections "q", "k", "v", "o" (each [width, width], LoRA kinds of the same names).</summary>
public sealed class SelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    public const string Q = "q";
    public const string K = "k";
    public const string V = "v";
    public const string O = "o";
    private readonly int _heads;

    [ComponentName(Name = Q)]
    private readonly LoraLayer _q;
    [ComponentName(Name = K)]
    private readonly LoraLayer _k;
    [ComponentName(Name = V)]
    private readonly LoraLayer _v;
    [ComponentName(Name = O)]
    private readonly LoraLayer _o;

    public SelfAttention(int width, int heads, Func<string, int> rank, double alpha, Device? device)
        : base(nameof(SelfAttention))
    {
        _heads = heads;
        _q = LoraLayer.Linear(width, width, rank(Q), alpha, device);
        _k = LoraLayer.Linear(width, width, rank(K), alpha, device);
        _v = LoraLayer.Linear(width, width, rank(V), alpha, device);
        _o = LoraLayer.Linear(width, width, rank(O), alpha, device);
        RegisterComponents();
    }

    /// <summary><paramref name="x"/> [n, L, width]; <paramref name="bias"/> [n, 1, 1, L] added to the attention scores.</summary>
    public override Tensor forward(Tensor x, Tensor bias)
    {
        var (n, length, width) = (x.shape[0], x.shape[1], x.shape[2]);
        var size = width / _heads;
        Tensor Split(LoraLayer projection) => projection.forward(x).view(n, length, _heads, size).transpose(1, 2);
        var scores = Split(_q).matmul(Split(_k).transpose(-2, -1)).div(Math.Sqrt(size)).add(bias);
        var mixed = F.softmax(scores, -1).matmul(Split(_v));
        return _o.forward(mixed.transpose(1, 2).reshape(n, length, width));
    }
}
