using ClusterTune.Torch;
using ClusterTune.Torch.Modules;
using ClusterTune.Trainer.Data;

namespace ClusterTune.Trainer.Training;

/// <summary>Accuracy and mean cross-entropy of a model over a dataset (eval mode, no autograd).</summary>
public static class Evaluator
{
    public const string Accuracy = "accuracy";
    public const string Loss = "loss";

    public static Dictionary<string, double> Evaluate(Module model, ImageDataset data, int batchSize = 500)
    {
        var wasTraining = model.Training;
        model.Eval();
        var batches = new Batches(data, batchSize);
        var indices = Enumerable.Range(0, data.Count).ToArray();
        double lossSum = 0;
        long correct = 0;
        using (Torch.Torch.NoGrad())
        {
            for (var start = 0; start < data.Count; start += batchSize)
            {
                using var scope = Torch.Torch.NewDisposeScope();
                var (inputs, labels) = batches.Make(indices.AsSpan(start, Math.Min(batchSize, data.Count - start)));
                var logits = model.Forward(inputs);
                lossSum += Functional.CrossEntropy(logits, labels, reduction: Reduction.Sum).Item();
                correct += (long)logits.ArgMax(1).Eq(labels).Sum().Item();
            }
        }

        model.Train(wasTraining);
        var n = Math.Max(1, data.Count);
        return new Dictionary<string, double> { [Accuracy] = (double)correct / n, [Loss] = lossSum / n };
    }
}
