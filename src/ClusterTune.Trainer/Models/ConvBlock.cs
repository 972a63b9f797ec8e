using ClusterTune.Trainer.Lora;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Models;

/// <summary>3×3 convolution ("conv", padding 1), ReLU, optional 2×2 max pooling.</summary>
internal sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
    private readonly bool _pool;
    [ComponentName(Name = ReferenceCnn.ConvName)]
    private readonly LoraLayer _conv;

    public ConvBlock(long inChannels, long outChannels, bool pool, int loraRank, double loraAlpha, Device? device)
        : base(nameof(ConvBlock))
    {
        _pool = pool;
        _conv = LoraLayer.Conv(inChannels, outChannels, 3, padding: 1, loraRank, loraAlpha, device);
        RegisterComponents();
    }

    public LoraLayer Conv => _conv;

    public override Tensor forward(Tensor input)
    {
        using var conv = Conv.forward(input);
        var activated = F.relu(conv);
        if (!_pool)
        {
            return activated;
        }

        using (activated)
        {
            return F.max_pool2d(activated, 2);
        }
    }
}
