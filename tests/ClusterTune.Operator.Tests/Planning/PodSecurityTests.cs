using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using k8s.Models;
using static ClusterTune.Operator.Tests.Planning.Fixtures;

namespace ClusterTune.Operator.Tests.Planning;

/// <summary>Trial pods against Pod Security "restricted" (a namespace that enforces it must admit them).</summary>
public sealed class PodSecurityTests
{
    private static readonly OperatorOptions WithClaim = new() { CheckpointRoot = "/ckpt", CheckpointClaim = "ckpt", OtlpEndpoint = "http://otel:8080" };

    private static V1Pod TrialPod(OperatorOptions options)
    {
        var job = Job();
        return PodTemplate.Build(job, FineTuneJobDefaults.Apply(job.Spec), Trial(1), 1, "t", options);
    }

    [Fact]
    public void A_trial_pod_with_a_checkpoint_claim_meets_every_restricted_rule() =>
        Assert.Empty(PodSecurityRestricted.Violations(TrialPod(WithClaim)));

    // Without --checkpoint-claim the checkpoints are a hostPath (single node, local mode), which baseline forbids.
    [Fact]
    public void Without_a_claim_the_only_violation_is_the_hostPath_checkpoint_volume() =>
        Assert.Equal(["baseline: hostPath volumes", "restricted: volume types"], PodSecurityRestricted.Violations(TrialPod(WithClaim with { CheckpointClaim = null })));

    [Fact]
    public void Trial_pods_get_no_service_account_token_and_a_read_only_root_with_writable_tmp()
    {
        var pod = TrialPod(WithClaim);
        Assert.False(pod.Spec.AutomountServiceAccountToken);
        var c = pod.Spec.Containers[0];
        Assert.True(c.SecurityContext!.ReadOnlyRootFilesystem);
        Assert.Equal((65532L, 65532L), (pod.Spec.SecurityContext!.RunAsUser!.Value, pod.Spec.SecurityContext.RunAsGroup!.Value));
        // No fsGroup: it would re-own the shared checkpoint volume (which the operator also writes) on every mount.
        Assert.Null(pod.Spec.SecurityContext.FsGroup);
        var tmp = c.VolumeMounts!.Single(m => m.MountPath == "/tmp");
        Assert.NotNull(pod.Spec.Volumes!.Single(v => v.Name == tmp.Name).EmptyDir);
        Assert.NotEqual(true, c.VolumeMounts!.Single(m => m.Name == PodTemplate.CheckpointVolume).ReadOnlyProperty);
    }

    // Each rule can fail: the pod made to break exactly that rule is reported for it (and for nothing else).
    public static TheoryData<string> Rules() => new(PodSecurityRestricted.Rules.Select(r => r.Rule));

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_catches_a_pod_that_breaks_it(string rule)
    {
        var pod = TrialPod(WithClaim);
        Break(pod, rule);
        Assert.Contains(rule, PodSecurityRestricted.Violations(pod));
    }

    private static void Break(V1Pod pod, string rule)
    {
        var c = pod.Spec.Containers[0];
        switch (rule)
        {
            case "baseline: HostProcess":
                c.SecurityContext.WindowsOptions = new V1WindowsSecurityContextOptions { HostProcess = true };
                break;
            case "baseline: host namespaces":
                pod.Spec.HostPID = true;
                break;
            case "baseline: privileged containers":
                c.SecurityContext.Privileged = true;
                break;
            case "baseline: capabilities":
                c.SecurityContext.Capabilities.Add = ["SYS_ADMIN"];
                break;
            case "baseline: hostPath volumes" or "restricted: volume types":
                pod.Spec.Volumes!.Add(new V1Volume { Name = "h", HostPath = new V1HostPathVolumeSource { Path = "/" } });
                break;
            case "baseline: host ports":
                c.Ports = [new V1ContainerPort { ContainerPort = 80, HostPort = 80 }];
                break;
            case "baseline: AppArmor":
                c.SecurityContext.AppArmorProfile = new V1AppArmorProfile { Type = "Unconfined" };
                break;
            case "baseline: SELinux":
                c.SecurityContext.SeLinuxOptions = new V1SELinuxOptions { Type = "spc_t" };
                break;
            case "baseline: /proc mount type":
                c.SecurityContext.ProcMount = "Unmasked";
                break;
            case "baseline: seccomp" or "restricted: seccomp":
                pod.Spec.SecurityContext.SeccompProfile = new V1SeccompProfile { Type = "Unconfined" };
                break;
            case "baseline: sysctls":
                pod.Spec.SecurityContext.Sysctls = [new V1Sysctl { Name = "kernel.msgmax", Value = "1" }];
                break;
            case "restricted: privilege escalation":
                c.SecurityContext.AllowPrivilegeEscalation = null;
                break;
            case "restricted: running as non-root":
                c.SecurityContext.RunAsNonRoot = null;
                pod.Spec.SecurityContext.RunAsNonRoot = false;
                break;
            case "restricted: running as non-root user":
                c.SecurityContext.RunAsUser = 0;
                break;
            case "restricted: capabilities":
                c.SecurityContext.Capabilities.Drop = [];
                break;
            default:
                throw new ArgumentException($"no way to break {rule}: add one");
        }
    }
}
