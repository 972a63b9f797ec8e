using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The search algorithm and its seed (same seed, same spec ⇒ same trials).</summary>
public sealed class AlgorithmSpec
{
    [Description("grid, random, sobol, tpe or pbt (default random).")]
    public AlgorithmName? Name { get; set; }

    [Description("Seed of the algorithm's random generator (default 0). Each trial's training seed is derived from it and the trial index.")]
    public long? Seed { get; set; }

    [Minimum(1), Maximum(FieldLimits.MaxSeedsPerConfig)]
    [Description("Trials per setting, each with its own seed (default 1: a sampler never repeats a setting). With n > 1 every setting runs n times and bestTrial reports the mean ± sd over its seeds.")]
    public int? SeedsPerConfig { get; set; }

    [Description("Population-based training settings (name: pbt): perturbation interval, quantile fraction, perturbation factors.")]
    public PbtSpec? Pbt { get; set; }
}
