using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Population-based training (algorithm.name: pbt): the population is budget.maxTrials trials, sampled at random first.</summary>
public sealed class PbtSpec
{
    public const int DefaultPerturbationInterval = 2;
    public const double DefaultQuantileFraction = 0.25;
    public const double DefaultResampleProbability = 0.25;
    public static readonly IReadOnlyList<double> DefaultPerturbationFactors = [0.8, 1.2];

    [Minimum(1), Description("Epochs between perturbations (default 2): every trial pauses at each multiple, checkpointed, until the whole population has reached it.")]
    public int? PerturbationInterval { get; set; }

    [Minimum(0, Exclusive = true), Maximum(0.5)]
    [Description("The bottom fraction of the population that exploits a trial of the top fraction (default 0.25).")]
    public double? QuantileFraction { get; set; }

    [MaxItems(8)]
    [Description("Factors an exploiting trial's numeric parameters are multiplied by, one drawn per parameter (default [0.8, 1.2]); results are clamped to the parameter's range.")]
    public List<double>? PerturbationFactors { get; set; }

    [Minimum(0), Maximum(1)]
    [Description("Chance that a categorical parameter is resampled at random; otherwise it moves to a neighbouring value (default 0.25).")]
    public double? ResampleProbability { get; set; }
}
