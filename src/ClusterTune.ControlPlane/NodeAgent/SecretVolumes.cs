using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>
/// Materialises a pod's Secret volumes as a kubelet does: each key becomes a file in the pod's own volume directory
/// (owner-only: directory 0700, files 0600 — a local process runs as the agent's user, so group bits would only
/// widen access), read from the API server the agent talks to.
/// </summary>
internal static class SecretVolumes
{
    /// <summary>The waiting reason of a container whose Secret is not there yet (as a kubelet shows it).</summary>
    public const string WaitingReason = "ContainerCreating";

    /// <summary>How soon a pod whose Secret is missing is tried again (the Secret may be created after the pod, or a read may lag).</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Writes every Secret volume of <paramref name="pod"/> into <paramref name="sandbox"/>. A missing Secret or key is a
    /// <see cref="WaitingReason"/> failure to retry (the pod stays Pending, as with a kubelet's FailedMount); a key path
    /// that leaves the volume is a CreateContainerConfigError.
    /// </summary>
    public static async Task<LaunchFailure?> WriteAsync(IKubernetes client, V1Pod pod, Sandbox sandbox, CancellationToken ct)
    {
        foreach (var volume in pod.Spec?.Volumes ?? [])
        {
            if (volume.Secret is not { } source)
            {
                continue;
            }

            var secret = await client.TryGetAsync<V1Secret>(source.SecretName, pod.Metadata.NamespaceProperty, ct).ConfigureAwait(false);
            if (secret is null)
            {
                if (source.Optional == true)
                {
                    continue;
                }

                return new LaunchFailure(WaitingReason, $"MountVolume.SetUp failed for volume \"{volume.Name}\": secret \"{source.SecretName}\" not found", Waiting: true);
            }

            var files = new List<(string Path, byte[] Content)>();
            var data = secret.Data ?? new Dictionary<string, byte[]>();
            foreach (var item in source.Items is { Count: > 0 } items ? items : data.Keys.Select(k => new V1KeyToPath { Key = k, Path = k }).ToList())
            {
                if (!data.TryGetValue(item.Key, out var content))
                {
                    if (source.Optional == true)
                    {
                        continue;
                    }

                    return new LaunchFailure(WaitingReason, $"MountVolume.SetUp failed for volume \"{volume.Name}\": secret \"{source.SecretName}\" has no key \"{item.Key}\"", Waiting: true);
                }

                // Like the kubelet: a key path is relative and never leaves the volume.
                if (Path.IsPathRooted(item.Path) || item.Path.Split('/').Contains(".."))
                {
                    return new LaunchFailure("CreateContainerConfigError", $"MountVolume.SetUp failed for volume \"{volume.Name}\": invalid path \"{item.Path}\" for key \"{item.Key}\"", Waiting: true);
                }

                files.Add((item.Path, content));
            }

            var dir = sandbox.VolumePath(volume.Name);
            foreach (var (relative, content) in files)
            {
                var path = Path.Combine(dir, relative);
                CreatePrivateDirectory(Path.GetDirectoryName(path)!);
                // Created 0600 before any byte is written, so the token is never readable by others, not even briefly.
                PrivateFile.Ensure(path);
                await File.WriteAllBytesAsync(path, content, ct).ConfigureAwait(false);
            }

            CreatePrivateDirectory(dir);
        }

        return null;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>The Pending status of a pod waiting for its Secret: the container waits with the mount failure.</summary>
    public static V1PodStatus Waiting(V1Pod pod, LaunchFailure failure, string hostIP, DateTimeOffset now)
    {
        var status = PodStatuses.CannotStart(pod, failure, hostIP, now);
        status.Phase = PodPhases.Pending;
        status.Reason = null;
        status.Message = null;
        return status;
    }
}
