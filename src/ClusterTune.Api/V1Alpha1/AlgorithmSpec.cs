using System.ComponentModel;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The search algorithm and its seed (same seed, same spec ⇒ same trials).</summary>
public sealed class AlgorithmSpec
{
    [Description("grid, random, sobol or tpe (default random).")]
    public AlgorithmName? Name { get; set; }

    [Description("Seed of the algorithm's random generator (default 0).")]
    public long? Seed { get; set; }
}
