using ClusterTune.Trainer.Data;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Trainer.Training;

/// <summary>Accuracy and mean cross-entropy of a model over a dataset (eval mode, no autograd).</summary>
public static class Evaluator
{
    public const string Accuracy = "accuracy";
    public const string Loss = "loss";

    public static Dictionary<string, double> Evaluate(nn.Module<Tensor, Tensor> model, ImageDataset data, Device device, int batchSize = 500)
    {
        var wasTraining = model.training;
        model.eval();
        var batches = new Batches(data, batchSize, device);
        var indices = Enumerable.Range(0, data.Count).ToArray();
        double lossSum = 0;
        long correct = 0;
        using (no_grad())
        {
            for (var start = 0; start < data.Count; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var (inputs, labels) = batches.Make(indices.AsSpan(start, Math.Min(batchSize, data.Count - start)));
                var logits = model.forward(inputs);
                lossSum += F.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                correct += logits.argmax(1).eq(labels).sum().item<long>();
            }
        }

        model.train(wasTraining);
        var n = Math.Max(1, data.Count);
        return new Dictionary<string, double> { [Accuracy] = (double)correct / n, [Loss] = lossSum / n };
    }
}
