using ClusterTune.Api.Contract;
using ClusterTune.Api.Schema;
using k8s;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>One parameter assignment of a sweep, owned by its FineTuneJob; its pods are owned by it.</summary>
[CustomResource(KindName, Plural, "trial", ShortNames = ["ctt"], Categories = ["clustertune"])]
[PrinterColumn(0, "Job", "string", ".spec.jobName", Priority = 1)]
[PrinterColumn(1, "Phase", "string", ".status.phase")]
[PrinterColumn(2, "Objective", "number", ".status.objective")]
[PrinterColumn(3, "Epoch", "integer", ".status.epoch", Priority = 1)]
[PrinterColumn(4, "Attempts", "integer", ".status.attempts")]
[PrinterColumn(5, "Reason", "string", ".status.reason", Priority = 1)]
[PrinterColumn(6, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
public sealed class Trial : IKubernetesObject<V1ObjectMeta>, ISpec<TrialSpec>, IStatus<TrialStatus?>
{
    public const string KindName = "Trial";
    public const string Plural = "trials";
    /// <summary>The resource name as it appears in Status details and RBAC rules: trials.clustertune.io.</summary>
    public const string Resource = Plural + "." + ApiGroup.Group;

    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    public string Kind { get; set; } = KindName;
    public V1ObjectMeta Metadata { get; set; } = new();
    [RequiredField]
    public TrialSpec Spec { get; set; } = new();
    public TrialStatus? Status { get; set; }
}
