using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.Tests;

/// <summary>Secret and emptyDir volumes of the process node agent, against the real embedded API server.</summary>
public sealed class NodeAgentVolumeTests
{
    [Fact]
    public async Task A_secret_volume_becomes_owner_only_files_and_an_emptyDir_at_tmp_becomes_TMPDIR()
    {
        await using var h = await NodeAgentHarness.StartAsync();
        await h.Client.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "Opaque",
            Metadata = new V1ObjectMeta { Name = "tok", NamespaceProperty = "default" },
            Data = new Dictionary<string, byte[]> { ["token"] = "s3cr3t"u8.ToArray(), ["other"] = "x"u8.ToArray() },
        });
        var script = """
            {
              echo "token=$(cat "$TOKEN_FILE")"; echo "mode=$(stat -c %a "$TOKEN_FILE")"; echo "dirmode=$(stat -c %a "$(dirname "$TOKEN_FILE")")"
              echo "tmpdir=$TMPDIR"; echo "data=$DATA"
            } > "$CT_TERMINATION_MESSAGE_PATH"
            """;
        var created = await h.CreateAsync(NodeAgentHarness.ShellPod("vol", script, p =>
        {
            p.Spec!.Volumes =
            [
                new V1Volume { Name = "token", Secret = new V1SecretVolumeSource { SecretName = "tok", DefaultMode = 288 } },
                new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
            ];
            var c = p.Spec.Containers[0];
            c.VolumeMounts =
            [
                new V1VolumeMount { Name = "token", MountPath = "/var/run/clustertune/token", ReadOnlyProperty = true },
                new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
            ];
            c.Env =
            [
                new V1EnvVar { Name = "TOKEN_FILE", Value = "/var/run/clustertune/token/token" },
                // A host path under /tmp (tests and local mode keep data there) must reach the process unchanged.
                new V1EnvVar { Name = "DATA", Value = "file:///tmp/datasets/mnist" },
            ];
        }));

        var done = await h.WaitForPhaseAsync("vol", PodPhases.Succeeded);
        var values = done.Status!.ContainerStatuses![0].State!.Terminated!.Message!
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        var sandbox = Path.Combine(h.WorkRoot, "pods", $"default_vol_{created.Metadata.Uid}");
        Assert.Equal("s3cr3t", values["token"]);
        Assert.Equal("600", values["mode"]);
        Assert.Equal("700", values["dirmode"]);
        Assert.Equal(Path.Combine(sandbox, "volumes", "tmp"), values["tmpdir"]);
        Assert.Equal("file:///tmp/datasets/mnist", values["data"]);
    }

    [Fact]
    public async Task A_pod_whose_secret_is_missing_waits_says_which_secret_and_starts_once_it_exists()
    {
        await using var h = await NodeAgentHarness.StartAsync();
        await h.CreateAsync(NodeAgentHarness.ShellPod("nosecret", "cat \"$TOKEN_FILE\" > \"$CT_TERMINATION_MESSAGE_PATH\"", p =>
        {
            p.Spec!.Volumes = [new V1Volume { Name = "token", Secret = new V1SecretVolumeSource { SecretName = "absent" } }];
            p.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "token", MountPath = "/var/run/token" }];
            p.Spec.Containers[0].Env = [new V1EnvVar { Name = "TOKEN_FILE", Value = "/var/run/token/token" }];
        }));
        var pod = await h.WaitForPodAsync("nosecret", p => p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting is not null, "waiting");
        // As a kubelet: Pending, ContainerCreating with the mount failure, retried until the Secret exists.
        Assert.Equal((PodPhases.Pending, "ContainerCreating"), (pod.Status!.Phase, pod.Status.ContainerStatuses![0].State!.Waiting!.Reason));
        Assert.Contains("secret \"absent\" not found", pod.Status.ContainerStatuses[0].State!.Waiting!.Message);

        await h.Client.CreateAsync(new V1Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = "absent", NamespaceProperty = "default" },
            Data = new Dictionary<string, byte[]> { ["token"] = "late"u8.ToArray() },
        });
        var done = await h.WaitForPhaseAsync("nosecret", PodPhases.Succeeded);
        Assert.Equal("late", done.Status!.ContainerStatuses![0].State!.Terminated!.Message);
    }
}
