using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Checkpoint storage, retention and promotion of the best.</summary>
public sealed class CheckpointSpec
{
    [Description("Root URI/path under which trials write checkpoints (default: the operator's --checkpoint-root).")]
    public string? StorageRoot { get; set; }

    [Minimum(1), Maximum(50), Description("Trial checkpoints kept, best first (default 3); the rest are deleted.")]
    public int? KeepTop { get; set; }

    [Description("Stable path the best checkpoint is promoted to (default <storageRoot>/<namespace>/<job>/best).")]
    public string? PromotePath { get; set; }

    [Description("On job deletion: retain, delete, or keepPromoted (delete all but the promoted best; default).")]
    public CheckpointDeletePolicy? DeletePolicy { get; set; }
}
