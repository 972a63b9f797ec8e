using ClusterTune.Api.Contract;
using ClusterTune.Api.Schema;
using k8s;
using k8s.Models;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A fine-tuning hyperparameter sweep: the user's object, reconciled into Trials and their pods.</summary>
[CustomResource(KindName, Plural, "finetunejob", ShortNames = ["ftj"], Categories = ["clustertune"])]
[PrinterColumn(0, "Phase", "string", ".status.phase")]
[PrinterColumn(1, "Best", "number", ".status.bestTrial.objective", Description = "Objective of the best trial so far")]
[PrinterColumn(2, "Succeeded", "integer", ".status.trials.succeeded", Description = "Trials that succeeded")]
[PrinterColumn(3, "Total", "integer", ".status.trials.total", Description = "Trials created")]
[PrinterColumn(4, "GPU-Hours-Left", "number", ".status.gpuHoursRemaining", Priority = 1, Description = "GPU-hours left of spec.budget.maxGpuHours")]
[PrinterColumn(5, "Best-Trial", "string", ".status.bestTrial.name", Priority = 1)]
[PrinterColumn(6, "Age", "date", ".metadata.creationTimestamp")]
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
public sealed class FineTuneJob : IKubernetesObject<V1ObjectMeta>, ISpec<FineTuneJobSpec>, IStatus<FineTuneJobStatus?>
{
    public const string KindName = "FineTuneJob";
    public const string Plural = "finetunejobs";
    /// <summary>The resource name as it appears in Status details and RBAC rules: finetunejobs.clustertune.io.</summary>
    public const string Resource = Plural + "." + ApiGroup.Group;

    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;
    public string Kind { get; set; } = KindName;
    public V1ObjectMeta Metadata { get; set; } = new();
    [RequiredField]
    [TransitionRule("has(self.managedBy) == has(oldSelf.managedBy)", "spec.managedBy is immutable: it cannot be added or removed after creation")]
    public FineTuneJobSpec Spec { get; set; } = new();
    public FineTuneJobStatus? Status { get; set; }
}
