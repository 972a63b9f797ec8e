using ClusterTune.Torch;

namespace ClusterTune.Trainer.Models;

/// <summary>Trainable parameters by optimizer group, and the counts reported as clustertune.model.trainable_parameters.</summary>
public sealed record FineTunePlan(
    IReadOnlyList<(string Name, Tensor Parameter)> Adapted,
    IReadOnlyList<(string Name, Tensor Parameter)> Head,
    long TrainableParameters,
    long TotalParameters)
{
    public double TrainableFraction => TotalParameters == 0 ? 0 : (double)TrainableParameters / TotalParameters;
}
