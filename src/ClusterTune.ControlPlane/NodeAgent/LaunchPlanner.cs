using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>Turns a pod's first container into a <see cref="LaunchPlan"/>: command resolution, environment, downward API and path mapping.</summary>
internal static class LaunchPlanner
{
    /// <summary>Plans the launch, or explains (as a kubelet would) why the container cannot start.</summary>
    public static (LaunchPlan? Plan, LaunchFailure? Failure) Plan(
        V1Pod pod, NodeAgentOptions options, Sandbox sandbox, IReadOnlyDictionary<string, string> agentEnvironment, string? visibleGpus)
    {
        var container = pod.Spec!.Containers[0];
        var paths = Mappings(pod, container, options, sandbox, out var tmpDir);

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in agentEnvironment)
        {
            if (options.InheritedEnvironment.Any(p => p.EndsWith('*') ? name.StartsWith(p[..^1], StringComparison.Ordinal) : name == p))
            {
                env[name] = value;
            }
        }

        env["HOSTNAME"] = pod.Metadata.Name ?? "";
        if (tmpDir is not null)
        {
            env["TMPDIR"] = tmpDir;
        }

        if (options.TerminationMessagePathVariable is { Length: > 0 } variable)
        {
            env[variable] = sandbox.TerminationLog;
        }
        if (visibleGpus is not null)
        {
            env["CUDA_VISIBLE_DEVICES"] = visibleGpus;
        }

        // Only the container's own variables take part in $(VAR) expansion, as in Kubernetes.
        var defined = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in container.Env ?? [])
        {
            string value;
            if (e.ValueFrom?.FieldRef is { } fieldRef)
            {
                if (FieldValue(pod, fieldRef.FieldPath, options) is not { } v)
                {
                    return (null, new LaunchFailure("CreateContainerConfigError",
                        $"env {e.Name}: unsupported fieldRef \"{fieldRef.FieldPath}\" (the node agent serves metadata.name, metadata.namespace, metadata.uid, metadata.labels['k'], metadata.annotations['k'], spec.nodeName, spec.serviceAccountName, status.podIP, status.hostIP)",
                        Waiting: true));
                }

                value = v;
            }
            else if (e.ValueFrom is not null)
            {
                return (null, new LaunchFailure("CreateContainerConfigError",
                    $"env {e.Name}: only value and valueFrom.fieldRef are supported by the node agent", Waiting: true));
            }
            else
            {
                value = paths.Map(EnvExpansion.Expand(e.Value ?? "", defined));
            }

            defined[e.Name] = value;
            env[e.Name] = value;
        }

        List<string> command;
        var args = (container.Args ?? []).Select(a => paths.Map(EnvExpansion.Expand(a, defined)));
        if (container.Command is { Count: > 0 } own)
        {
            command = [.. own.Select(c => paths.Map(EnvExpansion.Expand(c, defined))), .. args];
        }
        else if (ImageCommand(options, container.Image) is { Count: > 0 } local)
        {
            // An image command is host configuration already, so it is not path-mapped.
            command = [.. local, .. args];
        }
        else
        {
            return (null, new LaunchFailure(NodeAgentReasons.ErrImageNeverPull,
                $"image \"{container.Image}\" has no local command: give the container a command, or configure an image command for it on the node agent (NodeAgentOptions.ImageCommands)",
                Waiting: true));
        }

        var workingDir = string.IsNullOrEmpty(container.WorkingDir) ? sandbox.Root : paths.Map(container.WorkingDir);
        try
        {
            Directory.CreateDirectory(workingDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new LaunchFailure(NodeAgentReasons.StartError,
                $"chdir to cwd (\"{container.WorkingDir}\", on the host \"{workingDir}\") failed: {e.Message} (add a hostPath volume or a node agent path mapping for it)", Waiting: false));
        }

        if (ResolveExecutable(command[0], workingDir, env.GetValueOrDefault("PATH")) is not { } exe)
        {
            return (null, new LaunchFailure(NodeAgentReasons.StartError,
                $"exec: \"{command[0]}\": executable file not found in $PATH", Waiting: false));
        }

        command[0] = exe;
        return (new LaunchPlan(command, env, workingDir, paths), null);
    }

    /// <summary>The pod's volumes, then its termination message file, then the agent's mappings.</summary>
    private static PathMapper Mappings(V1Pod pod, V1Container container, NodeAgentOptions options, Sandbox sandbox, out string? tmpDir)
    {
        tmpDir = null;
        var paths = new PathMapper();
        var volumes = (pod.Spec!.Volumes ?? []).ToDictionary(v => v.Name, StringComparer.Ordinal);
        foreach (var mount in container.VolumeMounts ?? [])
        {
            if (!volumes.TryGetValue(mount.Name, out var volume))
            {
                continue;
            }

            string? host = null;
            if (volume.HostPath is { } hostPath)
            {
                host = hostPath.Path;
            }
            else if (volume.EmptyDir is not null || volume.Secret is not null)
            {
                host = sandbox.VolumePath(volume.Name);
            }

            if (host is null)
            {
                continue;
            }

            // The process shares the host's /tmp, so mapping "/tmp" would rewrite every host path under it (data sets,
            // models); a private /tmp is given the way programs honour it instead: TMPDIR.
            if (volume.EmptyDir is not null && mount.MountPath.TrimEnd('/') == "/tmp" && string.IsNullOrEmpty(mount.SubPath))
            {
                Directory.CreateDirectory(host);
                tmpDir = host;
                continue;
            }

            if (!string.IsNullOrEmpty(mount.SubPath))
            {
                host = Path.Combine(host, mount.SubPath);
            }

            if (volume.EmptyDir is not null || volume.HostPath?.Type is "DirectoryOrCreate")
            {
                Directory.CreateDirectory(host);
            }

            paths.Add(mount.MountPath, host);
        }

        paths.Add(string.IsNullOrEmpty(container.TerminationMessagePath) ? options.DefaultTerminationMessagePath : container.TerminationMessagePath, sandbox.TerminationLog);
        foreach (var m in options.PathMappings)
        {
            paths.Add(m.ContainerPrefix, m.HostPrefix);
        }

        return paths;
    }

    private static IReadOnlyList<string>? ImageCommand(NodeAgentOptions options, string? image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return null;
        }

        if (options.ImageCommands.TryGetValue(image, out var exact))
        {
            return exact;
        }

        // "repo/name:tag" and "repo/name@sha256:..." fall back to the untagged name.
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var bare = at >= 0 ? image[..at] : image;
        var colon = bare.LastIndexOf(':');
        if (colon > bare.LastIndexOf('/'))
        {
            bare = bare[..colon];
        }

        return options.ImageCommands.TryGetValue(bare, out var untagged) ? untagged : null;
    }

    private static string? FieldValue(V1Pod pod, string fieldPath, NodeAgentOptions options)
    {
        var m = pod.Metadata;
        return fieldPath switch
        {
            "metadata.name" => m.Name,
            "metadata.namespace" => m.NamespaceProperty,
            "metadata.uid" => m.Uid,
            "spec.nodeName" => pod.Spec?.NodeName ?? options.NodeName,
            "spec.serviceAccountName" => pod.Spec?.ServiceAccountName ?? "default",
            "status.podIP" or "status.hostIP" => options.HostIP,
            _ when Bracketed(fieldPath, "metadata.labels") is { } key => (m.Labels?.TryGetValue(key, out var l) == true ? l : ""),
            _ when Bracketed(fieldPath, "metadata.annotations") is { } key => (m.Annotations?.TryGetValue(key, out var a) == true ? a : ""),
            _ => null,
        };
    }

    private static string? Bracketed(string fieldPath, string prefix) =>
        fieldPath.StartsWith(prefix + "['", StringComparison.Ordinal) && fieldPath.EndsWith("']", StringComparison.Ordinal)
            ? fieldPath[(prefix.Length + 2)..^2]
            : null;

    /// <summary>Like execve's caller in a runtime: a name with a slash is a path (relative to the working dir), else it is looked up in the container's PATH.</summary>
    private static string? ResolveExecutable(string name, string workingDir, string? pathVariable)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(name, workingDir);
            return File.Exists(full) ? full : null;
        }

        foreach (var dir in (pathVariable ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
