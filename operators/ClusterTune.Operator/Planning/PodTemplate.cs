using System.Globalization;
using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.Contract;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>Builds a trial's pod from the job's trainer template and the trial contract's environment (docs/trial-contract.md). Pure.</summary>
public static class PodTemplate
{
    /// <summary>The trainer container's name.</summary>
    public const string ContainerName = "trainer";

    /// <summary>The volume that holds checkpoints, mounted at the storage root.</summary>
    public const string CheckpointVolume = "checkpoints";

    /// <summary>A writable emptyDir at /tmp: the root filesystem is read-only.</summary>
    public const string TmpVolume = "tmp";

    /// <summary>Where <see cref="TmpVolume"/> is mounted.</summary>
    public const string TmpPath = "/tmp";

    /// <summary>The per-attempt token Secret, mounted read-only at <see cref="TrialEnv.DefaultTokenDirectory"/>.</summary>
    public const string TokenVolume = "clustertune-token";

    // 0444 inside the container: the files stay root-owned (no fsGroup, which would also re-own the shared checkpoint
    // volume on every mount), so the non-root trainer needs the read bit for others. Nothing else runs in the pod.
    private const int TokenFileMode = 0b100_100_100;

    // Downward-API variables OTEL_RESOURCE_ATTRIBUTES refers to with $(VAR), as Kubernetes expands them.
    private const string PodNameVar = "CT_POD_NAME";
    private const string PodUidVar = "CT_POD_UID";
    private const string PodNamespaceVar = "CT_POD_NAMESPACE";
    private const string NodeNameVar = "CT_NODE_NAME";

    /// <summary>The pod of attempt <paramref name="attempt"/> of <paramref name="trial"/>.</summary>
    public static V1Pod Build(FineTuneJob job, EffectiveSpec spec, Trial trial, int attempt, string token, OperatorOptions options)
    {
        var name = ResourceNames.Pod(trial.Spec.JobName, trial.Spec.Index, attempt);
        var trainer = spec.Trainer;
        var root = CheckpointPaths.StorageRoot(spec, options.CheckpointRoot);
        var checkpointDir = CheckpointPaths.TrialDirectory(job, spec, options.CheckpointRoot, trial.Metadata.Name!);
        var resumeFrom = trial.Status?.LastCheckpointUri ?? trial.Spec.ResumeFrom;
        // The job's own core/v1 fields go into the pod as they are (the API types are k8s.Models, no copies).
        var env = new List<V1EnvVar>(trainer.Env ?? []);

        void Add(string key, string? value)
        {
            if (value is not null)
            {
                env.Add(new V1EnvVar { Name = key, Value = value });
            }
        }

        void Field(string key, string path) => env.Add(new V1EnvVar { Name = key, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } });

        Field(PodNameVar, "metadata.name");
        Field(PodUidVar, "metadata.uid");
        Field(PodNamespaceVar, "metadata.namespace");
        Field(NodeNameVar, "spec.nodeName");
        Add(TrialEnv.Job, trial.Spec.JobName);
        Add(TrialEnv.Trial, trial.Metadata.Name);
        Add(TrialEnv.Attempt, attempt.ToString(CultureInfo.InvariantCulture));
        Add(TrialEnv.Params, ParamsJson(trial.Spec.Params));
        Add(TrialEnv.ModelUri, spec.Model.BaseCheckpointUri);
        Add(TrialEnv.ModelArchitecture, spec.Model.Architecture ?? "");
        Add(TrialEnv.DataUri, spec.Dataset.TrainUri);
        Add(TrialEnv.ValidationDataUri, spec.Dataset.ValidationUri ?? "");
        Add(TrialEnv.LabelsPerClass, spec.Dataset.LabelsPerClass?.ToString(CultureInfo.InvariantCulture) ?? "");
        Add(TrialEnv.CheckpointDir, checkpointDir);
        Add(TrialEnv.ResumeFrom, resumeFrom ?? "");
        // The schedule always spans the full length; a promote-mode rung is a pause the operator asks for (SIGTERM).
        var fullLength = spec.MaxResource;
        Add(TrialEnv.Epochs, fullLength.ToString(CultureInfo.InvariantCulture));
        Add(TrialEnv.StopAtEpoch, trial.Spec.Epochs is { } rung && rung < fullLength ? rung.ToString(CultureInfo.InvariantCulture) : "");
        Add(TrialEnv.BatchSize, trainer.BatchSize?.ToString(CultureInfo.InvariantCulture));
        // Only what the user wrote: otherwise the trainer takes the LR recorded in the base checkpoint's manifest,
        // which a defaulted 0.001 would silently override.
        Add(TrialEnv.PretrainingLearningRate, job.Spec.Trainer?.PretrainingLearningRate?.ToString("R", CultureInfo.InvariantCulture) ?? "");
        Add(TrialEnv.Objective, spec.Metric);
        Add(TrialEnv.Seed, trial.Spec.Seed?.ToString(CultureInfo.InvariantCulture) ?? "");
        Add(TrialEnv.MaxTrainableParamsFraction, spec.SearchSpace.Constraints?.MaxTrainableParamsFraction?.ToString("R", CultureInfo.InvariantCulture) ?? "");
        // The token itself never goes into the pod spec (anyone who can read pods could forge metrics with it).
        Add(TrialEnv.TokenFile, $"{TrialEnv.DefaultTokenDirectory}/{TrialEnv.TokenSecretKey}");
        Add(TrialEnv.OtlpEndpoint, options.OtlpEndpoint);
        Add(TrialEnv.ResourceAttributes, ResourceAttributesValue(job, trial, attempt));
        // A pod that requests GPUs must train on one: with "auto" a trainer image without CUDA would fall back to the
        // CPU silently, holding a GPU it never uses. A CT_DEVICE the user set in trainer.env wins.
        if (trainer.Resources?.GpuCount() > 0 && !env.Any(e => e.Name == TrialEnv.Device))
        {
            Add(TrialEnv.Device, TrialEnv.DeviceCuda);
        }

        var resources = trainer.Resources;
        var checkpoints = options.CheckpointClaim is { } claim
            ? new V1Volume { Name = CheckpointVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }
            : new V1Volume { Name = CheckpointVolume, HostPath = new V1HostPathVolumeSource { Path = root, Type = "DirectoryOrCreate" } };

        return new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = trial.Metadata.NamespaceProperty,
                Labels = Labels(trial, attempt),
                Annotations = new Dictionary<string, string> { [AnnotationKeys.TokenSha256] = TokenHash(token) },
                OwnerReferences = [OwnedBy(trial)],
            },
            Spec = new V1PodSpec
            {
                RestartPolicy = "Never",
                NodeSelector = trainer.NodeSelector,
                Tolerations = trainer.Tolerations,
                PriorityClassName = trainer.PriorityClassName,
                ServiceAccountName = trainer.ServiceAccountName,
                // Trainers never call the Kubernetes API: no credentials in the pod.
                AutomountServiceAccountToken = false,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = options.TrialRunAsUser,
                    RunAsGroup = options.TrialRunAsUser,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                TerminationGracePeriodSeconds = options.TerminationGracePeriodSeconds,
                Volumes =
                [
                    checkpoints,
                    new V1Volume { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume { Name = TokenVolume, Secret = new V1SecretVolumeSource { SecretName = TokenSecretName(name), DefaultMode = TokenFileMode } },
                ],
                Containers =
                [
                    new V1Container
                    {
                        Name = ContainerName,
                        Image = trainer.Image,
                        Command = trainer.Command,
                        Args = trainer.Args,
                        Env = env,
                        Resources = resources,
                        VolumeMounts =
                        [
                            // A claim holds the whole operator root: mount the job's storage root from its sub-directory.
                            new V1VolumeMount { Name = CheckpointVolume, MountPath = root, SubPath = options.CheckpointClaim is null ? null : CheckpointPaths.SubPath(root, options.CheckpointRoot) },
                            new V1VolumeMount { Name = TmpVolume, MountPath = TmpPath },
                            new V1VolumeMount { Name = TokenVolume, MountPath = TrialEnv.DefaultTokenDirectory, ReadOnlyProperty = true },
                        ],
                        SecurityContext = new V1SecurityContext
                        {
                            AllowPrivilegeEscalation = false,
                            ReadOnlyRootFilesystem = true,
                            RunAsNonRoot = true,
                            Capabilities = new V1Capabilities { Drop = ["ALL"] },
                        },
                        TerminationMessagePath = TrialEnv.DefaultTerminationMessagePath,
                        TerminationMessagePolicy = "FallbackToLogsOnError",
                    },
                ],
            },
        };
    }

    /// <summary>The name of the token Secret of the pod named <paramref name="podName"/> (deterministic, like the pod's).</summary>
    public static string TokenSecretName(string podName) => podName + "-token";

    /// <summary>
    /// The Secret that carries attempt <paramref name="attempt"/>'s token, owned by the Trial so it is garbage-collected
    /// with it; created before the pod, which mounts it.
    /// </summary>
    public static V1Secret TokenSecret(Trial trial, int attempt, string token) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = new V1ObjectMeta
        {
            Name = TokenSecretName(ResourceNames.Pod(trial.Spec.JobName, trial.Spec.Index, attempt)),
            NamespaceProperty = trial.Metadata.NamespaceProperty,
            Labels = Labels(trial, attempt),
            OwnerReferences = [OwnedBy(trial)],
        },
        Type = "Opaque",
        Data = new Dictionary<string, byte[]> { [TrialEnv.TokenSecretKey] = System.Text.Encoding.UTF8.GetBytes(token) },
    };

    /// <summary>The value of the <see cref="AnnotationKeys.TokenSha256"/> annotation: lowercase hex SHA-256 of the token's UTF-8 bytes.</summary>
    public static string TokenHash(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static Dictionary<string, string> Labels(Trial trial, int attempt) => new()
    {
        [LabelKeys.Job] = trial.Spec.JobName,
        [LabelKeys.Trial] = trial.Metadata.Name!,
        [LabelKeys.TrialIndex] = trial.Spec.Index.ToString(CultureInfo.InvariantCulture),
        [LabelKeys.Attempt] = attempt.ToString(CultureInfo.InvariantCulture),
        [LabelKeys.Shard] = JobShards.Label(trial.Metadata.NamespaceProperty, trial.Spec.JobName),
        [LabelKeys.ManagedBy] = LabelKeys.ManagedByValue,
    };

    private static V1OwnerReference OwnedBy(Trial trial) => JobPlanner.ControllerReference(trial, Trial.KindName);

    /// <summary>CT_PARAMS: the parameters as one JSON object, keys in ordinal order.</summary>
    public static string ParamsJson(IReadOnlyDictionary<string, ParamValue> parameters) =>
        JsonSerializer.Serialize(new SortedDictionary<string, ParamValue>(parameters.ToDictionary(), StringComparer.Ordinal), ApiJson.Options);

    /// <summary>OTEL_RESOURCE_ATTRIBUTES: k8s.* from the downward API (expanded by the kubelet) plus clustertune.* and one clustertune.param.* per parameter.</summary>
    public static string ResourceAttributesValue(FineTuneJob job, Trial trial, int attempt)
    {
        var pairs = new List<string>
        {
            $"{ResourceAttributes.ServiceName}={ResourceAttributes.TrainerServiceName}",
            // Unique per running instance, as the semantic conventions ask: the pod's UID and the container.
            $"{ResourceAttributes.ServiceInstanceId}=$({PodUidVar})/{ContainerName}",
            $"{ResourceAttributes.K8sNamespaceName}=$({PodNamespaceVar})",
            $"{ResourceAttributes.K8sPodName}=$({PodNameVar})",
            $"{ResourceAttributes.K8sPodUid}=$({PodUidVar})",
            $"{ResourceAttributes.K8sNodeName}=$({NodeNameVar})",
            $"{ResourceAttributes.K8sContainerName}={ContainerName}",
            $"{ResourceAttributes.JobName}={trial.Spec.JobName}",
            $"{ResourceAttributes.TrialName}={trial.Metadata.Name}",
            $"{ResourceAttributes.TrialIndex}={trial.Spec.Index.ToString(CultureInfo.InvariantCulture)}",
            $"{ResourceAttributes.TrialAttempt}={attempt.ToString(CultureInfo.InvariantCulture)}",
        };
        foreach (var (k, v) in trial.Spec.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            pairs.Add($"{ResourceAttributes.ParamPrefix}{k}={Uri.EscapeDataString(v.ToText())}");
        }

        return string.Join(",", pairs);
    }
}
