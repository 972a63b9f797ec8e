using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>A pod's directory on the node: <c>&lt;WorkRoot&gt;/pods/&lt;ns&gt;_&lt;name&gt;_&lt;uid&gt;/</c>.</summary>
internal sealed class Sandbox
{
    public Sandbox(string workRoot, V1Pod pod)
    {
        var m = pod.Metadata;
        Root = Path.Combine(Path.GetFullPath(workRoot), "pods", $"{m.NamespaceProperty}_{m.Name}_{m.Uid}");
    }

    public string Root { get; }

    /// <summary>Where the host side of the container's termination message path lives.</summary>
    public string TerminationLog => Path.Combine(Root, "termination-log");

    /// <summary>"pid startTicks" of the process, so an agent restarted later can find (and stop) an orphan.</summary>
    public string PidFile => Path.Combine(Root, "pid");

    public string LogPath(string container) => Path.Combine(Root, "logs", container + ".log");

    public string VolumePath(string volume) => Path.Combine(Root, "volumes", volume);

    public void Create(string container)
    {
        Directory.CreateDirectory(Path.Combine(Root, "logs"));
        File.WriteAllBytes(TerminationLog, []);
        using (File.Open(LogPath(container), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            // Created up front so the log is servable the moment the process starts.
        }
    }

    /// <summary>Removes the sandbox (logs, emptyDirs) once the pod is gone, as a kubelet does; best effort.</summary>
    public void Delete()
    {
        try
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A straggler may still hold a file; the directory is left behind rather than failing the cleanup.
        }
    }
}
