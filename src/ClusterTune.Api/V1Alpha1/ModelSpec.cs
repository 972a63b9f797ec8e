using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The pretrained base model.</summary>
public sealed class ModelSpec
{
    [RequiredField, MaxLength(FieldLimits.Uri), Description("URI or path of the pretrained checkpoint (safetensors), passed to trials as CT_MODEL_URI.")]
    public string BaseCheckpointUri { get; set; } = "";

    [MaxLength(FieldLimits.Name), Description("Architecture name the trainer understands (e.g. small-cnn); passed as CT_MODEL_ARCHITECTURE.")]
    public string? Architecture { get; set; }
}
