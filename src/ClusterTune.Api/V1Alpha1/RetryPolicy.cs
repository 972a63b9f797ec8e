using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Retries of trial pods: infrastructure failures are retried, user failures are not (unless told).</summary>
public sealed class RetryPolicy
{
    [Minimum(1), Description("Pod attempts per trial for infrastructure failures (eviction, node loss, stuck Terminating); default 3.")]
    public int? MaxAttempts { get; set; }

    [Description("Also retry OOM-killed attempts (default false: an OOM repeats unless something changes).")]
    public bool? RetryOnOom { get; set; }

    [MaxLength(FieldLimits.Duration), Pattern(BudgetSpec.GoDurationPattern), Description("A running trial that sends no metrics for this long is stuck and retried (default 10m).")]
    public string? HeartbeatTimeout { get; set; }
}
