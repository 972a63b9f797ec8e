using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;
using BindingFlags = System.Reflection.BindingFlags;

namespace ClusterTune.Operator.Tests.Planning;

public sealed class PodTemplateTests
{
    private static readonly OperatorOptions Options = new() { CheckpointRoot = "/ckpt", OtlpEndpoint = "http://otel:8080", TerminationGracePeriodSeconds = 45 };

    private static FineTuneJob GpuJob() => Job(s =>
    {
        s.Trainer.Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = "2", [Gpus.NvidiaGpu] = 1 },
            Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = "8Gi", [Gpus.NvidiaGpu] = 1 },
        };
        s.Trainer.NodeSelector = new() { ["accelerator"] = "a100" };
        s.Trainer.Tolerations = [new V1Toleration { Key = "nvidia.com/gpu", OperatorProperty = "Exists", Effect = "NoSchedule" }];
        s.Trainer.PriorityClassName = "batch-low";
        s.Trainer.ServiceAccountName = "trainer";
        s.Trainer.Env = [new V1EnvVar { Name = "CT_THREADS", Value = "2" }];
        s.Trainer.Command = ["ctune-trainer"];
    });

    private static Trial TrialWithCheckpoint()
    {
        var t = Trial(5, new TrialStatus { Phase = TrialPhase.Paused, LastCheckpointUri = "/ckpt/ml/sweep/trials/sweep-5/last" },
            parameters: new() { ["freezeDepth"] = 1, ["lrFactor"] = 0.1, ["loraRank"] = 4, ["optimizer"] = "adam w" });
        t.Metadata.Uid = "trial-uid-5";
        return t;
    }

    private static (V1Pod Pod, Dictionary<string, V1EnvVar> Env) Build(OperatorOptions? options = null)
    {
        var job = GpuJob();
        var pod = PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), TrialWithCheckpoint(), 2, "tok-123", options ?? Options);
        return (pod, pod.Spec!.Containers.Single().Env!.ToDictionary(e => e.Name));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData(0.002, "0.002")]
    public void The_pretraining_lr_is_passed_only_when_the_job_sets_it_so_the_base_manifest_wins_otherwise(double? given, string expected)
    {
        var job = GpuJob();
        job.Spec.Trainer.PretrainingLearningRate = given;
        var pod = PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), TrialWithCheckpoint(), 1, "t", Options);
        Assert.Equal(expected, pod.Spec!.Containers.Single().Env!.Single(e => e.Name == TrialEnv.PretrainingLearningRate).Value);
    }

    [Fact]
    public void Env_has_every_contract_variable()
    {
        var (_, env) = Build();
        var contract = typeof(TrialEnv).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)
            .Where(v => v.StartsWith("CT_", StringComparison.Ordinal) || v.StartsWith("OTEL_", StringComparison.Ordinal))
            // The node (kubelet or the local node agent) sets the termination-message path; the trainer defaults it.
            .Where(v => v != TrialEnv.TerminationMessagePath)
            // The token is never put in the env (readers of pods would have it), only its file path.
            .Where(v => v is not (TrialEnv.Token or TrialEnv.OtlpHeaders));
        Assert.All(contract, name => Assert.True(env.ContainsKey(name), $"{name} is not set"));
        Assert.Equal("2", env["CT_THREADS"].Value); // the user's own variables are kept
    }

    // A GPU pod trains on CUDA unless the user chose a device; a CPU pod leaves the trainer's default (auto).
    [Theory]
    [InlineData(1, null, "cuda")]
    [InlineData(0, null, null)]
    [InlineData(1, "cuda:1", "cuda:1")]
    [InlineData(0, "cpu", "cpu")]
    public void A_pod_that_requests_gpus_gets_the_cuda_device(int gpus, string? userDevice, string? expected)
    {
        var job = Job(s =>
        {
            s.Trainer.Resources = gpus > 0 ? new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { [Gpus.NvidiaGpu] = gpus } } : null;
            s.Trainer.Env = userDevice is null ? null : [new V1EnvVar { Name = TrialEnv.Device, Value = userDevice }];
        });
        var pod = PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), TrialWithCheckpoint(), 1, "t", Options);
        var devices = pod.Spec!.Containers.Single().Env!.Where(e => e.Name == TrialEnv.Device).Select(e => e.Value).ToList();
        Assert.Equal(expected is null ? [] : [expected], devices);
    }

    [Fact]
    public void Env_values()
    {
        var (_, env) = Build();
        Assert.Equal(JobName, env[TrialEnv.Job].Value);
        Assert.Equal("sweep-5", env[TrialEnv.Trial].Value);
        Assert.Equal("2", env[TrialEnv.Attempt].Value);
        Assert.Equal("""{"freezeDepth":1,"loraRank":4,"lrFactor":0.1,"optimizer":"adam w"}""", env[TrialEnv.Params].Value);
        using (var doc = JsonDocument.Parse(env[TrialEnv.Params].Value!))
        {
            Assert.Equal(JsonValueKind.Number, doc.RootElement.GetProperty("loraRank").ValueKind);
        }

        Assert.Equal("file:///models/base.safetensors", env[TrialEnv.ModelUri].Value);
        Assert.Equal("clustertune-cnn-v1", env[TrialEnv.ModelArchitecture].Value);
        Assert.Equal("file:///data/mnist", env[TrialEnv.DataUri].Value);
        Assert.Equal("file:///data/mnist-val", env[TrialEnv.ValidationDataUri].Value);
        Assert.Equal("10", env[TrialEnv.LabelsPerClass].Value);
        Assert.Equal("/ckpt/ml/sweep/trials/sweep-5", env[TrialEnv.CheckpointDir].Value);
        Assert.Equal("/ckpt/ml/sweep/trials/sweep-5/last", env[TrialEnv.ResumeFrom].Value);
        Assert.Equal("3", env[TrialEnv.Epochs].Value);
        Assert.Equal("64", env[TrialEnv.BatchSize].Value);
        Assert.Equal("accuracy", env[TrialEnv.Objective].Value);
        Assert.Equal("/var/run/clustertune/token/token", env[TrialEnv.TokenFile].Value);
        Assert.Equal("http://otel:8080", env[TrialEnv.OtlpEndpoint].Value);
    }

    // Anyone who may read pods must not learn the token: it goes into a Secret, the pod holds only its SHA-256.
    [Fact]
    public void The_token_is_in_a_secret_mounted_read_only_and_the_pod_carries_only_its_hash()
    {
        var (pod, env) = Build();
        Assert.DoesNotContain("tok-123", Json(pod), StringComparison.Ordinal);
        Assert.False(env.ContainsKey(TrialEnv.Token));
        Assert.False(env.ContainsKey(TrialEnv.OtlpHeaders));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("tok-123"u8)), pod.Metadata.Annotations![AnnotationKeys.TokenSha256]);

        var secret = PodTemplate.TokenSecret(TrialWithCheckpoint(), 2, "tok-123");
        Assert.Equal((pod.Metadata.Name + "-token", Ns, "Opaque"), (secret.Metadata.Name, secret.Metadata.NamespaceProperty, secret.Type));
        Assert.Equal("tok-123"u8.ToArray(), secret.Data[TrialEnv.TokenSecretKey]);
        Assert.Equal(LabelKeys.ManagedByValue, secret.Metadata.Labels![LabelKeys.ManagedBy]);
        var owner = Assert.Single(secret.Metadata.OwnerReferences!);
        Assert.Equal((ClusterTune.Api.V1Alpha1.Trial.KindName, "sweep-5", "trial-uid-5"), (owner.Kind, owner.Name, owner.Uid));

        var volume = pod.Spec!.Volumes!.Single(v => v.Secret is not null);
        Assert.Equal(secret.Metadata.Name, volume.Secret!.SecretName);
        var mount = pod.Spec.Containers[0].VolumeMounts!.Single(m => m.Name == volume.Name);
        Assert.True(mount.ReadOnlyProperty);
        Assert.Equal(env[TrialEnv.TokenFile].Value, $"{mount.MountPath}/{TrialEnv.TokenSecretKey}");
    }

    [Fact]
    public void Fresh_trial_has_an_empty_resume_point()
    {
        var job = Job();
        var pod = PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), Trial(0), 1, "t", Options);
        Assert.Equal("", pod.Spec!.Containers[0].Env!.Single(e => e.Name == TrialEnv.ResumeFrom).Value);
    }

    [Fact]
    public void Resource_attributes_use_the_downward_API_and_carry_the_params()
    {
        var (_, env) = Build();
        var attrs = env[TrialEnv.ResourceAttributes].Value!.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        foreach (var (attr, var, path) in new[]
        {
            (ResourceAttributes.K8sPodName, "CT_POD_NAME", "metadata.name"),
            (ResourceAttributes.K8sPodUid, "CT_POD_UID", "metadata.uid"),
            (ResourceAttributes.K8sNamespaceName, "CT_POD_NAMESPACE", "metadata.namespace"),
            (ResourceAttributes.K8sNodeName, "CT_NODE_NAME", "spec.nodeName"),
        })
        {
            Assert.Equal($"$({var})", attrs[attr]);
            Assert.Equal(path, env[var].ValueFrom!.FieldRef!.FieldPath);
        }
        // $(VAR) only expands when VAR is defined earlier in the list.
        var names = env.Keys.ToList();
        Assert.True(names.IndexOf("CT_POD_NAME") < names.IndexOf(TrialEnv.ResourceAttributes));
        Assert.Equal(PodTemplate.ContainerName, attrs[ResourceAttributes.K8sContainerName]);
        Assert.Equal(ResourceAttributes.TrainerServiceName, attrs[ResourceAttributes.ServiceName]);
        Assert.Equal(JobName, attrs[ResourceAttributes.JobName]);
        Assert.Equal("sweep-5", attrs[ResourceAttributes.TrialName]);
        Assert.Equal("5", attrs[ResourceAttributes.TrialIndex]);
        Assert.Equal("4", attrs["clustertune.param.loraRank"]);
        Assert.Equal("0.1", attrs["clustertune.param.lrFactor"]);
        Assert.Equal("adam%20w", attrs["clustertune.param.optimizer"]); // W3C baggage-style percent-encoding
    }

    [Fact]
    public void Pod_spec_carries_the_trainer_template()
    {
        var (pod, _) = Build();
        var spec = pod.Spec!;
        var c = Assert.Single(spec.Containers);
        Assert.Equal("Never", spec.RestartPolicy);
        Assert.Equal("clustertune/trainer:dev", c.Image);
        Assert.Equal(["ctune-trainer"], c.Command!);
        Assert.Equal("1", c.Resources!.Limits![Gpus.NvidiaGpu]);
        Assert.Equal("1", c.Resources.Requests![Gpus.NvidiaGpu]);
        Assert.Equal("8Gi", c.Resources.Limits["memory"]);
        Assert.Equal("a100", spec.NodeSelector!["accelerator"]);
        var tol = Assert.Single(spec.Tolerations!);
        Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (tol.Key, tol.OperatorProperty, tol.Effect));
        Assert.Equal("batch-low", spec.PriorityClassName);
        Assert.Equal("trainer", spec.ServiceAccountName);
        Assert.Equal(45, spec.TerminationGracePeriodSeconds);
        Assert.Equal(TrialEnv.DefaultTerminationMessagePath, c.TerminationMessagePath);
    }

    [Fact]
    public void Pod_metadata_is_deterministic_and_owned_by_the_trial()
    {
        var (a, _) = Build();
        var (b, _) = Build();
        Assert.Equal(Json(a), Json(b));
        Assert.Equal(ResourceNames.Pod(JobName, 5, 2), a.Metadata.Name);
        Assert.Equal(Ns, a.Metadata.NamespaceProperty);
        var owner = Assert.Single(a.Metadata.OwnerReferences!);
        Assert.Equal((ClusterTune.Api.V1Alpha1.Trial.KindName, "sweep-5", "trial-uid-5", true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        Assert.Equal("2", a.Metadata.Labels![LabelKeys.Attempt]);
        Assert.Equal("5", a.Metadata.Labels[LabelKeys.TrialIndex]);
        Assert.Equal(JobName, a.Metadata.Labels[LabelKeys.Job]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ckpt-claim")]
    public void Checkpoint_volume_is_a_PVC_or_a_hostPath(string? claim)
    {
        var (pod, _) = Build(Options with { CheckpointClaim = claim });
        var volume = pod.Spec!.Volumes!.Single(v => v.Name == PodTemplate.CheckpointVolume);
        if (claim is null)
        {
            Assert.Null(volume.PersistentVolumeClaim);
            Assert.Equal("/ckpt", volume.HostPath!.Path);
        }
        else
        {
            Assert.Null(volume.HostPath);
            Assert.Equal(claim, volume.PersistentVolumeClaim!.ClaimName);
        }
        var mount = pod.Spec.Containers[0].VolumeMounts!.Single(m => m.Name == PodTemplate.CheckpointVolume);
        Assert.Equal("/ckpt", mount.MountPath);
    }

    [Fact]
    public void Storage_root_from_the_spec_wins_and_file_uris_become_paths()
    {
        var job = Job(s => s.Checkpoints = new CheckpointSpec { StorageRoot = "file:///ckpt/shared" });
        var pod = PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), Trial(1), 1, "t", Options);
        Assert.Equal("/ckpt/shared", pod.Spec!.Volumes![0].HostPath!.Path);
        Assert.Equal("/ckpt/shared/ml/sweep/trials/sweep-1", pod.Spec.Containers[0].Env!.Single(e => e.Name == TrialEnv.CheckpointDir).Value);
    }
}
