using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Early stopping of weak trials; resources are measured in epochs.</summary>
public sealed class EarlyStoppingSpec
{
    [Description("none, median, asha or hyperband (default none).")]
    public EarlyStoppingType? Type { get; set; }

    [Minimum(1), Description("asha/hyperband: epochs of the first rung (Ray's grace_period); default 1.")]
    public int? MinResource { get; set; }

    [Minimum(1), Description("asha/hyperband: epochs of the last rung; default and maximum trainer.epochs.")]
    public int? MaxResource { get; set; }

    [Minimum(2), Description("asha/hyperband: keep the top 1/reductionFactor at each rung; default 3.")]
    public int? ReductionFactor { get; set; }

    [Description("asha/hyperband: stop (losers stop) or promote (all pause at a rung, winners resume); default stop.")]
    public EarlyStoppingMode? Mode { get; set; }

    [Minimum(1), Description("hyperband: number of brackets (default floor(log_rf(max/min)) + 1); asha: 1.")]
    public int? Brackets { get; set; }

    [Minimum(0), Description("median: epochs before a trial can be stopped; default 1.")]
    public int? GracePeriod { get; set; }

    [Minimum(1), Description("median: completed trials needed at an epoch before the rule applies; default 3.")]
    public int? MinTrials { get; set; }
}
