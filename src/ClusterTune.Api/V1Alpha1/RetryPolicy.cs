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

    [MaxLength(FieldLimits.Duration), Pattern(BudgetSpec.GoDurationPattern), Description("Wait before retrying an attempt whose trainer exited on its own failure (killed from outside, checkpoint write failed, OOM with retryOnOom): this, doubled for each attempt used, at most 5m (default 10s; 0s retries at once). A pod taken away (eviction, node loss, preemption, deleted, stuck, no heartbeat) is retried at once.")]
    public string? Backoff { get; set; }
}
