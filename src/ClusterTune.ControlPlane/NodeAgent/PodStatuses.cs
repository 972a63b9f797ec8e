using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>The pod statuses the agent writes, built as pure functions of what it observed (kubelet's shapes and wording).</summary>
internal static class PodStatuses
{
    /// <summary>Container started: phase Running, every readiness condition True.</summary>
    public static V1PodStatus Running(V1Pod pod, PodRun run, string hostIP, DateTimeOffset now) => new()
    {
        Phase = PodPhases.Running,
        PodIP = hostIP,
        HostIP = hostIP,
        StartTime = run.StartedAt.UtcDateTime,
        Conditions = Conditions(pod, now, ready: true, reason: null),
        ContainerStatuses =
        [
            new V1ContainerStatus
            {
                Name = run.Container,
                Image = run.Image,
                ContainerID = run.ContainerId,
                Ready = true,
                Started = true,
                State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = run.StartedAt.UtcDateTime } },
                LastState = new V1ContainerState(),
            },
        ],
    };

    /// <summary>Container exited: Succeeded on exit 0, else Failed (restartPolicy Never semantics).</summary>
    public static V1PodStatus Finished(V1Pod pod, PodRun run, V1ContainerStateTerminated terminated, string hostIP, DateTimeOffset now)
    {
        var status = Terminal(pod, run.Container, run.Image, terminated, hostIP, now, run.StartedAt);
        status.ContainerStatuses![0].ContainerID = run.ContainerId;
        if (run.StoppedForShutdown)
        {
            status.Phase = PodPhases.Failed;
            status.Reason = NodeAgentReasons.Terminated;
            status.Message = "Pod was terminated in response to imminent node shutdown.";
        }

        return status;
    }

    /// <summary>A container that could not start, shown as waiting (ErrImageNeverPull, CreateContainerConfigError) or terminated (StartError, exit 128).</summary>
    public static V1PodStatus CannotStart(V1Pod pod, LaunchFailure failure, string hostIP, DateTimeOffset now)
    {
        var container = pod.Spec!.Containers[0];
        if (!failure.Waiting)
        {
            var status = Terminal(pod, container.Name, container.Image,
                new V1ContainerStateTerminated { ExitCode = 128, Reason = failure.Reason, Message = failure.Message, StartedAt = now.UtcDateTime, FinishedAt = now.UtcDateTime },
                hostIP, now, now);
            return status;
        }

        return new V1PodStatus
        {
            Phase = PodPhases.Failed,
            Reason = failure.Reason,
            Message = failure.Message,
            HostIP = hostIP,
            StartTime = pod.Status?.StartTime ?? now.UtcDateTime,
            Conditions = Conditions(pod, now, ready: false, reason: "ContainersNotReady"),
            ContainerStatuses =
            [
                new V1ContainerStatus
                {
                    Name = container.Name,
                    Image = container.Image,
                    Started = false,
                    State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = failure.Reason, Message = failure.Message } },
                    LastState = new V1ContainerState(),
                },
            ],
        };
    }

    /// <summary>After an agent restart: the pod was started by an earlier agent and its process is unknown now.</summary>
    public static V1PodStatus Lost(V1Pod pod, string hostIP, DateTimeOffset now)
    {
        var container = pod.Spec!.Containers[0];
        var previous = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container.Name);
        var status = Terminal(pod, container.Name, container.Image, new V1ContainerStateTerminated
        {
            ExitCode = 137,
            Reason = NodeAgentReasons.ContainerStatusUnknown,
            Message = "The container could not be located when the node agent restarted",
            StartedAt = previous?.State?.Running?.StartedAt,
            FinishedAt = now.UtcDateTime,
            ContainerID = previous?.ContainerID,
        }, hostIP, now, pod.Status?.StartTime ?? now);
        status.Phase = PodPhases.Failed;
        status.Reason = NodeAgentReasons.NodeRestarted;
        status.Message = "The node agent restarted and lost the pod's process; the pod is failed rather than run twice.";
        return status;
    }

    /// <summary>PodScheduled=False with the scheduler's message; null when the pod already says exactly that.</summary>
    public static V1PodStatus? Unschedulable(V1Pod pod, string message, DateTimeOffset now)
    {
        var existing = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (existing is { Status: "False", Reason: NodeAgentReasons.Unschedulable } && existing.Message == message)
        {
            return null;
        }

        var conditions = (pod.Status?.Conditions ?? []).Where(c => c.Type != "PodScheduled").ToList();
        conditions.Add(new V1PodCondition
        {
            Type = "PodScheduled",
            Status = "False",
            Reason = NodeAgentReasons.Unschedulable,
            Message = message,
            LastTransitionTime = existing?.Status == "False" ? existing.LastTransitionTime ?? now.UtcDateTime : now.UtcDateTime,
        });
        return new V1PodStatus { Conditions = conditions };
    }

    private static V1PodStatus Terminal(V1Pod pod, string container, string? image, V1ContainerStateTerminated terminated, string hostIP, DateTimeOffset now, DateTimeOffset startTime) => new()
    {
        Phase = terminated.ExitCode == 0 ? PodPhases.Succeeded : PodPhases.Failed,
        PodIP = hostIP,
        HostIP = hostIP,
        StartTime = pod.Status?.StartTime ?? startTime.UtcDateTime,
        Conditions = Conditions(pod, now, ready: false, reason: NodeAgentReasons.PodCompleted),
        ContainerStatuses =
        [
            new V1ContainerStatus
            {
                Name = container,
                Image = image,
                ContainerID = terminated.ContainerID,
                Ready = false,
                Started = false,
                State = new V1ContainerState { Terminated = terminated },
                LastState = new V1ContainerState(),
            },
        ],
    };

    /// <summary>The full condition list (a merge patch replaces lists whole); a transition time moves only when the status flips.</summary>
    private static List<V1PodCondition> Conditions(V1Pod pod, DateTimeOffset now, bool ready, string? reason)
    {
        var existing = pod.Status?.Conditions ?? [];
        V1PodCondition Make(string type, bool value, string? why) => new()
        {
            Type = type,
            Status = value ? "True" : "False",
            Reason = value ? null : why,
            LastTransitionTime = existing.FirstOrDefault(c => c.Type == type) is { } old && old.Status == (value ? "True" : "False")
                ? old.LastTransitionTime ?? now.UtcDateTime
                : now.UtcDateTime,
        };
        return
        [
            Make("Initialized", true, null),
            Make("Ready", ready, reason),
            Make("ContainersReady", ready, reason),
            Make("PodScheduled", true, null),
        ];
    }
}
