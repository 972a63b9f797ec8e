using ClusterTune.Torch;
using ClusterTune.Trainer.Data;

namespace ClusterTune.Trainer.Training;

/// <summary>Turns dataset indices into input tensors [n, 1, H, W] and int64 labels, reusing managed buffers.</summary>
internal sealed class Batches(ImageDataset data, int maxBatch)
{
    private readonly float[] _pixels = new float[maxBatch * data.ImageSize];
    private readonly long[] _labels = new long[maxBatch];

    public ImageDataset Data => data;

    /// <summary>Tensors for <paramref name="indices"/> (tracked by the current dispose scope).</summary>
    public (Tensor Inputs, Tensor Labels) Make(ReadOnlySpan<int> indices)
    {
        var n = indices.Length;
        data.Gather(indices, _pixels, _labels);
        var inputs = Tensor.FromSpan<float>(_pixels.AsSpan(0, n * data.ImageSize), [n, 1, data.Height, data.Width]);
        var labels = Tensor.FromSpan<long>(_labels.AsSpan(0, n), [n]);
        return (inputs, labels);
    }
}
