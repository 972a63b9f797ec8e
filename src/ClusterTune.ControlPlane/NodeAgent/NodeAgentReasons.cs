using k8s.Models;
namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>The reasons the node agent writes into pod and container status, as a kubelet and scheduler would.</summary>
public static class NodeAgentReasons
{
    /// <summary>Container terminated with exit code 0.</summary>
    public const string Completed = "Completed";

    /// <summary>Container terminated with a non-zero exit code (including 143 after a graceful SIGTERM).</summary>
    public const string Error = "Error";

    /// <summary>Killed for memory: the agent enforcing limits.memory, or the kernel's OOM killer (its cgroup oom_kill counter rose).</summary>
    public const string OOMKilled = "OOMKilled";

    /// <summary>The command could not be started (e.g. executable not found); exit code 128.</summary>
    public const string StartError = "StartError";

    /// <summary>Waiting reason: the image has no local command and the container sets none.</summary>
    public const string ErrImageNeverPull = "ErrImageNeverPull";

    /// <summary>PodScheduled=False: the pod does not fit the node (resources, selector, taints, cordon).</summary>
    public const string Unschedulable = "Unschedulable";

    /// <summary>Pod reason: the agent restarted and no longer knows the pod's process.</summary>
    public const string NodeRestarted = "NodeRestarted";

    /// <summary>Container reason after an agent restart: the process could not be located (kubelet's wording).</summary>
    public const string ContainerStatusUnknown = "ContainerStatusUnknown";

    /// <summary>Pod reason: the agent was stopped and terminated the pod's process (kubelet's graceful node shutdown).</summary>
    public const string Terminated = "Terminated";

    /// <summary>Ready/ContainersReady=False once every container has finished.</summary>
    public const string PodCompleted = "PodCompleted";
}
