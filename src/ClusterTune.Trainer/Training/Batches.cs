using ClusterTune.Trainer.Data;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Training;

/// <summary>Turns dataset indices into input tensors [n, 1, H, W] and int64 labels on the run's device, reusing managed buffers.</summary>
internal sealed class Batches(ImageDataset data, int maxBatch, Device device)
{
    private readonly float[] _pixels = new float[maxBatch * data.ImageSize];
    private readonly long[] _labels = new long[maxBatch];

    public ImageDataset Data => data;

    /// <summary>Tensors for <paramref name="indices"/> (tracked by the current dispose scope).</summary>
    public (Tensor Inputs, Tensor Labels) Make(ReadOnlySpan<int> indices)
    {
        var n = indices.Length;
        data.Gather(indices, _pixels, _labels);
        var inputs = tensor(_pixels.AsSpan(0, n * data.ImageSize).ToArray(), [n, 1, data.Height, data.Width]);
        var labels = tensor(_labels.AsSpan(0, n).ToArray(), [n]);
        return device.type == TorchSharp.DeviceType.CPU ? (inputs, labels) : (inputs.to(device), labels.to(device));
    }
}
