using TorchSharp.Modules;

namespace ClusterTune.Trainer.Models;

/// <summary>Trainable parameters by optimizer group, and the counts reported as clustertune.model.trainable_parameters.</summary>
public sealed record FineTunePlan(
    IReadOnlyList<(string Name, Parameter Parameter)> Adapted,
    IReadOnlyList<(string Name, Parameter Parameter)> Head,
    long TrainableParameters,
    long TotalParameters)
{
    public double TrainableFraction => TotalParameters == 0 ? 0 : (double)TrainableParameters / TotalParameters;

    /// <summary>Every trainable parameter, adapted first: the order of the optimizer state.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> Trainable => [.. Adapted, .. Head];
}
