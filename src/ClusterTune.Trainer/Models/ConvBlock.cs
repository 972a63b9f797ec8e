using ClusterTune.Torch;
using ClusterTune.Torch.Modules;

namespace ClusterTune.Trainer.Models;

/// <summary>3×3 convolution ("conv", padding 1), ReLU, optional 2×2 max pooling.</summary>
internal sealed class ConvBlock : Module
{
    private readonly bool _pool;

    public ConvBlock(long inChannels, long outChannels, bool pool, Generator generator)
    {
        _pool = pool;
        RegisterModule(ReferenceCnn.ConvName, new Conv2d(inChannels, outChannels, 3, padding: 1, generator: generator));
    }

    public Module Conv => NamedChildren().Single().Module;

    public override Tensor Forward(Tensor input)
    {
        using var conv = Conv.Forward(input);
        var activated = conv.Relu();
        if (!_pool)
        {
            return activated;
        }

        using (activated)
        {
            return Functional.MaxPool2d(activated, (2, 2));
        }
    }
}
