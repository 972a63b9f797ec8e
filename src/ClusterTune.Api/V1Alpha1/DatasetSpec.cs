using System.ComponentModel;
using ClusterTune.Api.Schema;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>The fine-tuning data set.</summary>
public sealed class DatasetSpec
{
    [RequiredField, MaxLength(FieldLimits.Uri), Description("URI or path of the training data, passed to trials as CT_DATA_URI.")]
    public string TrainUri { get; set; } = "";

    [MaxLength(FieldLimits.Uri), Description("URI or path of the validation data the objective is measured on (CT_VALIDATION_DATA_URI).")]
    public string? ValidationUri { get; set; }

    [Minimum(1), Description("Few-label regime: use only this many training examples per class (CT_LABELS_PER_CLASS).")]
    public int? LabelsPerClass { get; set; }
}
