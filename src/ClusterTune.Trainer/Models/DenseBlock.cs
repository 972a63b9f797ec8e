using ClusterTune.Torch;
using ClusterTune.Torch.Modules;

namespace ClusterTune.Trainer.Models;

/// <summary>Flatten, fully connected layer ("fc"), ReLU.</summary>
internal sealed class DenseBlock : Module
{
    public DenseBlock(long inFeatures, long outFeatures, Generator generator) =>
        RegisterModule(ReferenceCnn.FcName, new Linear(inFeatures, outFeatures, generator: generator));

    public Module Fc => NamedChildren().Single().Module;

    public override Tensor Forward(Tensor input)
    {
        using var flat = input.Flatten(1);
        using var fc = Fc.Forward(flat);
        return fc.Relu();
    }
}
