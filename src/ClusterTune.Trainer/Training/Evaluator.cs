using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// Accuracy and mean cross-entropy of a model over a dataset (eval mode, no autograd), over the scored positions: one
/// per example for classification, the masked tokens for masked-token pretraining (logits [n, L, V]).
/// </summary>
public static class Evaluator
{
    public const string Accuracy = "accuracy";
    public const string Loss = "loss";

    public static Dictionary<string, double> Evaluate(FineTuneModel model, IExampleSet data, Device device, int batchSize = 500)
    {
        var wasTraining = model.training;
        model.eval();
        var batches = new Batches(data, batchSize, device);
        var indices = Enumerable.Range(0, data.Count).ToArray();
        double lossSum = 0;
        long correct = 0, scored = 0;
        using (no_grad())
        {
            for (var start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var (inputs, labels) = batches.Make(indices.AsSpan(start, Math.Min(batchSize, data.Count - start)));
                var (scoredLogits, scoredLabels) = model.Scored(inputs, labels);
                var (logits, flat) = Flatten(scoredLogits, scoredLabels);
                lossSum += F.cross_entropy(logits, flat, reduction: nn.Reduction.Sum).item<float>();
                var counted = flat.ne(MaskedTokens.Ignored);
                correct += logits.argmax(1).eq(flat).logical_and(counted).sum().item<long>();
                scored += counted.sum().item<long>();
            }
        }

        model.train(wasTraining);
        var n = Math.Max(1, scored);
        return new Dictionary<string, double> { [Accuracy] = (double)correct / n, [Loss] = lossSum / n };
    }

    /// <summary>The training loss: mean cross-entropy over the scored positions (labels of -100 are not scored).</summary>
    public static Tensor TrainingLoss(Tensor logits, Tensor labels)
    {
        var (flatLogits, flatLabels) = Flatten(logits, labels);
        return F.cross_entropy(flatLogits, flatLabels);
    }

    // Per-token outputs [n, L, C] with labels [n, L] become [n·L, C] and [n·L]; per-example outputs stay as they are.
    private static (Tensor Logits, Tensor Labels) Flatten(Tensor logits, Tensor labels) =>
        logits.dim() > 2 ? (logits.reshape(-1, logits.shape[^1]), labels.reshape(-1)) : (logits, labels);
}
