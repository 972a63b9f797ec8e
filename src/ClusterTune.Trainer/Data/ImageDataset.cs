using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Data;

/// <summary>Single-channel images as one contiguous float array (N×H×W, row-major) with integer class labels.</summary>
public sealed class ImageDataset : IExampleSet
{
    public ImageDataset(string name, float[] pixels, int[] labels, int height, int width, int classCount)
    {
        if (pixels.Length != (long)labels.Length * height * width)
        {
            throw new ArgumentException(
                $"{name}: {pixels.Length} pixels do not match {labels.Length} labels of {height}x{width}", nameof(pixels));
        }

        foreach (var label in labels)
        {
            if (label < 0 || label >= classCount)
            {
                throw new ArgumentException($"{name}: label {label} is outside 0..{classCount - 1}", nameof(labels));
            }
        }

        Name = name;
        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
        ClassCount = classCount;
    }

    public string Name { get; }

    /// <summary>Pixels of all images, image after image.</summary>
    public float[] Pixels { get; }

    public int[] Labels { get; }

    public int Height { get; }

    public int Width { get; }

    public int ClassCount { get; }

    public int Count => Labels.Length;

    public int ImageSize => Height * Width;

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var size = ImageSize;
        var pixels = new float[indices.Count * size];
        var labels = new int[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Array.Copy(Pixels, (long)indices[i] * size, pixels, (long)i * size, size);
            labels[i] = Labels[indices[i]];
        }

        return new ImageDataset(name ?? Name, pixels, labels, Height, Width, ClassCount);
    }

    /// <summary>Mean and standard deviation over every pixel (population statistics).</summary>
    public (float Mean, float Std) PixelStatistics()
    {
        double sum = 0, sumSq = 0;
        foreach (var p in Pixels)
        {
            sum += p;
            sumSq += (double)p * p;
        }

        var n = Math.Max(1, Pixels.Length);
        var mean = sum / n;
        var variance = Math.Max(0, (sumSq / n) - (mean * mean));
        return ((float)mean, (float)Math.Sqrt(variance));
    }

    /// <summary>A copy with every pixel mapped to (p - mean) / std.</summary>
    public ImageDataset Normalized(float mean, float std)
    {
        if (!(std > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "normalization std must be > 0");
        }

        var pixels = new float[Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (Pixels[i] - mean) / std;
        }

        return new ImageDataset(Name, pixels, Labels, Height, Width, ClassCount);
    }

    /// <summary>Copies the pixels and labels of <paramref name="indices"/> into caller-owned batch buffers.</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> pixels, Span<long> labels)
    {
        var size = ImageSize;
        for (var i = 0; i < indices.Length; i++)
        {
            Pixels.AsSpan(indices[i] * size, size).CopyTo(pixels.Slice(i * size, size));
            labels[i] = Labels[indices[i]];
        }
    }

    /// <summary>Images as [n, 1, H, W] float32 and labels as int64, gathered straight into the tensors' CPU memory.</summary>
    public (Tensor Inputs, Tensor Labels) Tensors(ReadOnlySpan<int> indices)
    {
        // torch.tensor(array) would copy a managed copy once more (about 1.7 ms of a 19 ms step, mostly page faults on
        // fresh large-object-heap arrays; docs/trainer.md).
        var inputs = empty([indices.Length, 1, Height, Width], ScalarType.Float32);
        var labels = empty([indices.Length], ScalarType.Int64);
        Gather(indices, MemoryMarshal.Cast<byte, float>(inputs.bytes), MemoryMarshal.Cast<byte, long>(labels.bytes));
        return (inputs, labels);
    }
}
