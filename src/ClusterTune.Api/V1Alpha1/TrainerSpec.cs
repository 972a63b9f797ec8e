using System.ComponentModel;
using ClusterTune.Api.Schema;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>How each trial pod is built: container, resources, scheduling and the training length.</summary>
public sealed class TrainerSpec
{
    [RequiredField, MaxLength(FieldLimits.Image), Description("Container image of the trainer (any image honouring the trial contract).")]
    public string Image { get; set; } = "";

    [Description("Overrides the image's entrypoint.")]
    public List<string>? Command { get; set; }

    [Description("Arguments to the entrypoint.")]
    public List<string>? Args { get; set; }

    [Description("Extra environment variables; the trial-contract variables the operator sets (CT_PARAMS, CT_EPOCHS, OTEL_RESOURCE_ATTRIBUTES, ...) are not allowed.")]
    public List<V1EnvVar>? Env { get; set; }

    [Description("Compute resources per trial pod; GPUs as nvidia.com/gpu (an integer, requests equal to limits).")]
    public V1ResourceRequirements? Resources { get; set; }

    [Description("Node labels a trial pod must match.")]
    public Dictionary<string, string>? NodeSelector { get; set; }

    [Description("Tolerations for tainted (e.g. GPU) nodes.")]
    public List<V1Toleration>? Tolerations { get; set; }

    [MaxLength(FieldLimits.Name), Description("PriorityClass of trial pods.")]
    public string? PriorityClassName { get; set; }

    [Description("ServiceAccount trial pods run as.")]
    public string? ServiceAccountName { get; set; }

    [Minimum(1), Description("Full training length of a trial in epochs (default 10); ASHA rungs are fractions of it.")]
    public int? Epochs { get; set; }

    [Minimum(1), Description("Minibatch size (default 64), passed as CT_BATCH_SIZE.")]
    public int? BatchSize { get; set; }

    [Minimum(0, Exclusive = true), Description("Learning rate the base was pretrained with (default 0.001); lrFactor scales it.")]
    public double? PretrainingLearningRate { get; set; }
}
