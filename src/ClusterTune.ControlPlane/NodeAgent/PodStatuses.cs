using ClusterTune.Kubernetes.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>The pod statuses the agent writes, built as pure functions of what it observed (kubelet's shapes and wording).</summary>
internal static class PodStatuses
{
    /// <summary>Container started: phase Running, every readiness condition True.</summary>
    public static PodStatus Running(Pod pod, PodRun run, string hostIP, DateTimeOffset now) => new()
    {
        Phase = PodPhases.Running,
        PodIP = hostIP,
        HostIP = hostIP,
        StartTime = run.StartedAt,
        Conditions = Conditions(pod, now, ready: true, reason: null),
        ContainerStatuses =
        [
            new ContainerStatus
            {
                Name = run.Container,
                Image = run.Image,
                ContainerID = run.ContainerId,
                Ready = true,
                Started = true,
                State = new ContainerState { Running = new ContainerStateRunning { StartedAt = run.StartedAt } },
                LastState = new ContainerState(),
            },
        ],
    };

    /// <summary>Container exited: Succeeded on exit 0, else Failed (restartPolicy Never semantics).</summary>
    public static PodStatus Finished(Pod pod, PodRun run, ContainerStateTerminated terminated, string hostIP, DateTimeOffset now)
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
    public static PodStatus CannotStart(Pod pod, LaunchFailure failure, string hostIP, DateTimeOffset now)
    {
        var container = pod.Spec!.Containers[0];
        if (!failure.Waiting)
        {
            var status = Terminal(pod, container.Name, container.Image,
                new ContainerStateTerminated { ExitCode = 128, Reason = failure.Reason, Message = failure.Message, StartedAt = now, FinishedAt = now },
                hostIP, now, now);
            return status;
        }

        return new PodStatus
        {
            Phase = PodPhases.Failed,
            Reason = failure.Reason,
            Message = failure.Message,
            HostIP = hostIP,
            StartTime = pod.Status?.StartTime ?? now,
            Conditions = Conditions(pod, now, ready: false, reason: "ContainersNotReady"),
            ContainerStatuses =
            [
                new ContainerStatus
                {
                    Name = container.Name,
                    Image = container.Image,
                    Started = false,
                    State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = failure.Reason, Message = failure.Message } },
                    LastState = new ContainerState(),
                },
            ],
        };
    }

    /// <summary>After an agent restart: the pod was started by an earlier agent and its process is unknown now.</summary>
    public static PodStatus Lost(Pod pod, string hostIP, DateTimeOffset now)
    {
        var container = pod.Spec!.Containers[0];
        var previous = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container.Name);
        var status = Terminal(pod, container.Name, container.Image, new ContainerStateTerminated
        {
            ExitCode = 137,
            Reason = NodeAgentReasons.ContainerStatusUnknown,
            Message = "The container could not be located when the node agent restarted",
            StartedAt = previous?.State?.Running?.StartedAt,
            FinishedAt = now,
            ContainerID = previous?.ContainerID,
        }, hostIP, now, pod.Status?.StartTime ?? now);
        status.Phase = PodPhases.Failed;
        status.Reason = NodeAgentReasons.NodeRestarted;
        status.Message = "The node agent restarted and lost the pod's process; the pod is failed rather than run twice.";
        return status;
    }

    /// <summary>PodScheduled=False with the scheduler's message; null when the pod already says exactly that.</summary>
    public static PodStatus? Unschedulable(Pod pod, string message, DateTimeOffset now)
    {
        var existing = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled");
        if (existing is { Status: "False", Reason: NodeAgentReasons.Unschedulable } && existing.Message == message)
        {
            return null;
        }

        var conditions = (pod.Status?.Conditions ?? []).Where(c => c.Type != "PodScheduled").ToList();
        conditions.Add(new PodCondition
        {
            Type = "PodScheduled",
            Status = "False",
            Reason = NodeAgentReasons.Unschedulable,
            Message = message,
            LastTransitionTime = existing?.Status == "False" ? existing.LastTransitionTime ?? now : now,
        });
        return new PodStatus { Conditions = conditions };
    }

    private static PodStatus Terminal(Pod pod, string container, string? image, ContainerStateTerminated terminated, string hostIP, DateTimeOffset now, DateTimeOffset startTime) => new()
    {
        Phase = terminated.ExitCode == 0 ? PodPhases.Succeeded : PodPhases.Failed,
        PodIP = hostIP,
        HostIP = hostIP,
        StartTime = pod.Status?.StartTime ?? startTime,
        Conditions = Conditions(pod, now, ready: false, reason: NodeAgentReasons.PodCompleted),
        ContainerStatuses =
        [
            new ContainerStatus
            {
                Name = container,
                Image = image,
                ContainerID = terminated.ContainerID,
                Ready = false,
                Started = false,
                State = new ContainerState { Terminated = terminated },
                LastState = new ContainerState(),
            },
        ],
    };

    /// <summary>The full condition list (a merge patch replaces lists whole); a transition time moves only when the status flips.</summary>
    private static List<PodCondition> Conditions(Pod pod, DateTimeOffset now, bool ready, string? reason)
    {
        var existing = pod.Status?.Conditions ?? [];
        PodCondition Make(string type, bool value, string? why) => new()
        {
            Type = type,
            Status = value ? "True" : "False",
            Reason = value ? null : why,
            LastTransitionTime = existing.FirstOrDefault(c => c.Type == type) is { } old && old.Status == (value ? "True" : "False")
                ? old.LastTransitionTime ?? now
                : now,
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
