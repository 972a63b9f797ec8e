using ClusterTune.Trainer.Lora;
using TorchSharp.Utils;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Models;

/// <summary>Flatten, fully connected layer ("fc"), ReLU.</summary>
internal sealed class DenseBlock : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = ReferenceCnn.FcName)]
    private readonly LoraLayer _fc;

    public DenseBlock(long inFeatures, long outFeatures, int loraRank, double loraAlpha, Device? device)
        : base(nameof(DenseBlock))
    {
        _fc = LoraLayer.Linear(inFeatures, outFeatures, loraRank, loraAlpha, device);
        RegisterComponents();
    }

    public LoraLayer Fc => _fc;

    public override Tensor forward(Tensor input)
    {
        using var flat = input.flatten(1);
        using var fc = Fc.forward(flat);
        return F.relu(fc);
    }
}
