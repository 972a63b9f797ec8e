using static TorchSharp.torch;

namespace ClusterTune.Trainer.Data;

/// <summary>
/// Training or evaluation examples as the loop sees them: a count, the number of classes of the model's output, and
/// the CPU tensors of any examples (inputs, int64 labels; -100 marks a position that is not scored).
/// </summary>
public interface IExampleSet
{
    string Name { get; }

    int Count { get; }

    /// <summary>Outputs of the model per scored position (classes; the vocabulary for masked-token pretraining).</summary>
    int ClassCount { get; }

    /// <summary>Tensors for <paramref name="indices"/>, in that order (tracked by the current dispose scope).</summary>
    (Tensor Inputs, Tensor Labels) Tensors(ReadOnlySpan<int> indices);
}
