using ClusterTune.Trainer.Data;
using static TorchSharp.torch;

namespace ClusterTune.Trainer.Training;

/// <summary>Turns dataset indices into the batch's input and label tensors on the run's device.</summary>
internal sealed class Batches(IExampleSet data, int maxBatch, Device device)
{
    /// <summary>Tensors for <paramref name="indices"/> (tracked by the current dispose scope).</summary>
    public (Tensor Inputs, Tensor Labels) Make(ReadOnlySpan<int> indices)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(indices.Length, maxBatch);
        var (inputs, labels) = data.Tensors(indices);
        return device.type == TorchSharp.DeviceType.CPU ? (inputs, labels) : (inputs.to(device), labels.to(device));
    }
}
