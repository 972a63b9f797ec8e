using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Checkpoint storage, retention and promotion of the best.</summary>
public sealed class CheckpointSpec
{
    [MaxLength(FieldLimits.Uri), Description("Directory under which trials write checkpoints: a path or file:// URI inside the operator's --checkpoint-root; a relative path is resolved against that root (default: the root).")]
    public string? StorageRoot { get; set; }

    [Minimum(1), Maximum(50), Description("Trial checkpoints kept, best first (default 3); the rest are deleted.")]
    public int? KeepTop { get; set; }

    [MaxLength(FieldLimits.Uri), Description("Directory the best checkpoint is promoted to, inside the operator's --checkpoint-root (relative = under it); it must not exist unless ClusterTune created it for this job (default <storageRoot>/<namespace>/<job>/best).")]
    public string? PromotePath { get; set; }

    [Description("On job deletion: retain, delete, or keepPromoted (delete all but the promoted best; default).")]
    public CheckpointDeletePolicy? DeletePolicy { get; set; }
}
