using System.Text.Json;
using ClusterTune.Api;
using ClusterTune.Api.Contract;
using ClusterTune.Kubernetes;
using k8s;
using k8s.Models;

namespace ClusterTune.Operator.Planning;

/// <summary>What a trial pod's status says: still starting, running, or finished with an exit code, reason and result.</summary>
public sealed record PodOutcome(
    PodOutcomeState State,
    int? ExitCode,
    string? Reason,
    string? Message,
    TrialResult? Result,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Kubelet's reason for a container killed by the kernel's OOM killer.</summary>
    public const string OomKilled = "OOMKilled";

    /// <summary>Exit code of a process ended by SIGTERM (128 + 15): the trial contract's "stopped".</summary>
    public const int StoppedExitCode = 143;

    private static readonly HashSet<string> ImagePullReasons = new(StringComparer.Ordinal)
    {
        "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName",
    };

    /// <summary>Exit code of a process killed by SIGKILL (128 + 9).</summary>
    public const int KilledExitCode = 137;

    /// <summary>The trial contract's exit code for a failed storage write (sysexits EX_IOERR): retried.</summary>
    public const int StorageErrorExitCode = 74;

    /// <summary>Whether the pod's container has ended (succeeded or failed), so its exit and result are known.</summary>
    public bool Ended => State is PodOutcomeState.Succeeded or PodOutcomeState.Failed;

    /// <summary>
    /// Whether the pod cannot start because its image cannot be pulled (waiting, or failed outright as the process
    /// node agent reports an image with no local command).
    /// </summary>
    public bool ImagePullFailed => State != PodOutcomeState.Succeeded && ExitCode is null && Reason is not null && ImagePullReasons.Contains(Reason);

    /// <summary>"exit code 1", "killed by signal 9 (SIGKILL)", or what the pod says when no container exit status exists.</summary>
    public string DescribeExit() => ExitCode switch
    {
        { } code when code > 128 && code < 128 + 65 => $"killed by signal {code - 128}{SignalName(code - 128)}",
        { } code => $"exit code {code}",
        null => $"no container exit status (pod reason {Reason ?? "none"}{(Message is null ? "" : $": {Message}")})",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        3 => " (SIGQUIT)",
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        14 => " (SIGALRM)",
        15 => " (SIGTERM)",
        _ => "",
    };

    /// <summary>Reads the outcome of a pod's first container (trial pods have one).</summary>
    public static PodOutcome Of(V1Pod pod)
    {
        var status = pod.Status;
        var cs = status?.ContainerStatuses?.FirstOrDefault();
        var terminated = cs?.State?.Terminated;
        var phase = status?.Phase;
        if (terminated is not null || phase is PodPhases.Succeeded or PodPhases.Failed)
        {
            var exit = terminated?.ExitCode;
            var state = phase == PodPhases.Succeeded || (phase != PodPhases.Failed && exit == 0) ? PodOutcomeState.Succeeded : PodOutcomeState.Failed;
            // The pod-level reason (Evicted, NodeLost) wins over the container's (Error, OOMKilled).
            var reason = status?.Reason ?? terminated?.Reason;
            return new PodOutcome(state, exit, reason, status?.Message ?? terminated?.Message, ParseResult(terminated?.Message),
                terminated?.StartedAt ?? status?.StartTime, terminated?.FinishedAt);
        }

        if (cs?.State?.Running is { } running || phase == PodPhases.Running)
        {
            return new PodOutcome(PodOutcomeState.Running, null, null, null, null, cs?.State?.Running?.StartedAt ?? status?.StartTime, null);
        }

        var waiting = cs?.State?.Waiting;
        return new PodOutcome(PodOutcomeState.Waiting, null, waiting?.Reason, waiting?.Message, null, null, null);
    }

    /// <summary>The trial result in a termination message, or null when it is absent or not a TrialResult.</summary>
    public static TrialResult? ParseResult(string? message)
    {
        if (string.IsNullOrWhiteSpace(message) || message.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            var result = JsonSerializer.Deserialize<TrialResult>(message, ApiJson.Options);
            return result is { Status: TrialResult.Succeeded or TrialResult.Failed or TrialResult.Stopped } ? result : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
