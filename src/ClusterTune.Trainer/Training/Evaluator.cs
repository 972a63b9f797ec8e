using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Training;

/// <summary>
/// Accuracy and mean cross-entropy of a model over a dataset (eval mode, no autograd), over the rows
/// <see cref="FineTuneModel.Scored"/> returns: one per example for classification, one per masked token for
/// masked-token pretraining.
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
                var (logits, scoredLabels) = model.Scored(inputs, labels);
                lossSum += F.cross_entropy(logits, scoredLabels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(scoredLabels).sum().item<long>();
                scored += scoredLabels.shape[0];
            }
        }

        model.train(wasTraining);
        var n = Math.Max(1, scored);
        return new Dictionary<string, double> { [Accuracy] = (double)correct / n, [Loss] = lossSum / n };
    }
}
