using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>
/// One container running as a local process in its own session (setsid), so signals reach the whole process
/// group. Output goes straight to the sandbox log through the shell's redirection: no pipes for the agent to drain.
/// </summary>
internal sealed class PodRun : IDisposable
{
    private const string Setsid = "/usr/bin/setsid";
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Process _process;
    private readonly TaskCompletionSource<V1ContainerStateTerminated> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _grouped;
    private ITimer? _killTimer;
    private DateTimeOffset _killAt = DateTimeOffset.MaxValue;
    private bool _sentTerm;
    private bool _sentKill;
    private readonly long? _memoryLimit;
    private readonly long? _oomKillsAtStart = MemoryLimit.KernelOomKills();
    private ITimer? _memoryTimer;
    private string? _memoryKill;

    /// <summary>How often the agent measures a memory-limited process group.</summary>
    internal static readonly TimeSpan MemoryCheckInterval = TimeSpan.FromMilliseconds(200);

    private PodRun(V1Pod pod, Sandbox sandbox, string container, Process process, bool grouped, TimeProvider time, IReadOnlyList<int> gpus)
    {
        Key = $"{pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}";
        Uid = pod.Metadata.Uid ?? "";
        Sandbox = sandbox;
        Container = container;
        Image = pod.Spec!.Containers[0].Image;
        TerminationMessagePolicy = pod.Spec.Containers[0].TerminationMessagePolicy;
        GracePeriod = TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30);
        _process = process;
        _grouped = grouped;
        _time = time;
        Gpus = gpus;
        StartedAt = time.GetUtcNow();
        Pid = process.Id;
        _memoryLimit = grouped ? MemoryLimit.Bytes(pod) : null;
        if (_memoryLimit is not null)
        {
            _memoryTimer = time.CreateTimer(_ => CheckMemory(), null, MemoryCheckInterval, MemoryCheckInterval);
        }
    }

    public string Key { get; }

    public string Uid { get; }

    public Sandbox Sandbox { get; }

    public string Container { get; }

    public string? Image { get; }

    public string? TerminationMessagePolicy { get; }

    public IReadOnlyList<int> Gpus { get; }

    /// <summary>The pod's terminationGracePeriodSeconds (default 30 s).</summary>
    public TimeSpan GracePeriod { get; }

    public int Pid { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Set when the agent is shutting down and stopped this process (the pod is then reported as Terminated).</summary>
    public bool StoppedForShutdown { get; set; }

    /// <summary>Completes with the terminated state once the process has exited and its group has been reaped.</summary>
    public Task<V1ContainerStateTerminated> Exited => _exited.Task;

    /// <summary>The terminated state, or null while running.</summary>
    public V1ContainerStateTerminated? Result => _exited.Task.IsCompletedSuccessfully ? _exited.Task.Result : null;

    public bool Stopping
    {
        get
        {
            lock (_gate)
            {
                return _sentTerm;
            }
        }
    }

    /// <summary>Starts the process; throws (Win32Exception, IOException) when it cannot be started at all.</summary>
    public static PodRun Start(V1Pod pod, LaunchPlan plan, Sandbox sandbox, TimeProvider time, IReadOnlyList<int> gpus, Action<PodRun> onExit)
    {
        var container = pod.Spec!.Containers[0].Name;
        sandbox.Create(container);
        var grouped = File.Exists(Setsid);
        var psi = new ProcessStartInfo
        {
            FileName = grouped ? Setsid : "/bin/sh",
            UseShellExecute = false,
            WorkingDirectory = plan.WorkingDirectory,
        };
        // setsid execs in place (the child is no group leader), then sh execs the command with its output on the log.
        if (grouped)
        {
            psi.ArgumentList.Add("/bin/sh");
        }

        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(sandbox.LogPath(container));
        foreach (var part in plan.Command)
        {
            psi.ArgumentList.Add(part);
        }

        psi.Environment.Clear();
        foreach (var (k, v) in plan.Environment)
        {
            psi.Environment[k] = v;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned no process");
        var run = new PodRun(pod, sandbox, container, process, grouped, time, gpus);
        try
        {
            var started = process.StartTime.ToUniversalTime().Ticks;
            File.WriteAllText(sandbox.PidFile, $"{run.Pid} {started.ToString(CultureInfo.InvariantCulture)}");
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            // Already exited (no start time to read), or the file failed: without it a restarted agent cannot stop
            // an orphan, but the run itself is unaffected.
        }

        _ = run.WaitAsync(onExit);
        return run;
    }

    /// <summary>SIGTERM to the group now, SIGKILL once <paramref name="grace"/> has passed; a later call can only shorten the deadline.</summary>
    public void RequestStop(TimeSpan grace)
    {
        lock (_gate)
        {
            if (_exited.Task.IsCompleted)
            {
                return;
            }

            if (!_sentTerm)
            {
                _sentTerm = true;
                Signals.Send(Pid, Signals.SigTerm, _grouped);
            }

            var at = _time.GetUtcNow() + (grace < TimeSpan.Zero ? TimeSpan.Zero : grace);
            if (at >= _killAt)
            {
                return;
            }

            _killAt = at;
            _killTimer?.Dispose();
            _killTimer = _time.CreateTimer(_ => Kill(), null, at - _time.GetUtcNow(), Timeout.InfiniteTimeSpan);
        }
    }

    private void Kill()
    {
        lock (_gate)
        {
            if (_exited.Task.IsCompleted)
            {
                return;
            }

            _sentKill = true;
            Signals.Send(Pid, Signals.SigKill, _grouped);
        }
    }

    // The agent's own enforcement of limits.memory (there is no cgroup per pod): the group is SIGKILLed like a
    // cgroup's OOM killer would, and only such a kill (or a kernel OOM kill) is reported as OOMKilled.
    private void CheckMemory()
    {
        var resident = MemoryLimit.GroupResidentBytes(Pid);
        lock (_gate)
        {
            if (_exited.Task.IsCompleted || _memoryKill is not null || resident <= _memoryLimit)
            {
                return;
            }

            _memoryKill = string.Create(CultureInfo.InvariantCulture,
                $"memory limit exceeded: the processes used {resident / 1048576.0:0.#} MiB of resident memory, limits.memory is {_memoryLimit / 1048576.0:0.#} MiB");
            _memoryTimer?.Dispose();
            Signals.Send(Pid, Signals.SigKill, _grouped);
        }
    }

    private async Task WaitAsync(Action<PodRun> onExit)
    {
        await _process.WaitForExitAsync().ConfigureAwait(false);
        var exitCode = _process.ExitCode;
        var finished = _time.GetUtcNow();
        bool sentKill;
        string? memoryKill;
        lock (_gate)
        {
            sentKill = _sentKill;
            memoryKill = _memoryKill;
            _killTimer?.Dispose();
            _memoryTimer?.Dispose();
            // Like a container runtime tearing down the cgroup: whatever the main process left behind dies with it.
            if (_grouped)
            {
                Signals.Send(Pid, Signals.SigKill, group: true);
            }
        }

        var log = Sandbox.LogPath(Container);
        // OOMKilled only when a memory limit was really hit: ours, or the kernel's (its oom_kill counter rose while
        // the process ran). Any other SIGKILL (kill -9 from outside) is an Error with exit code 137.
        var oom = exitCode == 137 && !sentKill && (memoryKill is not null || MemoryLimit.KernelOomKills() > _oomKillsAtStart);
        var message = TerminationMessage.Read(Sandbox.TerminationLog, log, exitCode, TerminationMessagePolicy);
        var terminated = new V1ContainerStateTerminated
        {
            ExitCode = exitCode,
            Reason = exitCode switch
            {
                0 => NodeAgentReasons.Completed,
                _ when oom => NodeAgentReasons.OOMKilled,
                _ => NodeAgentReasons.Error,
            },
            Message = memoryKill is not null && exitCode == 137 ? memoryKill : message,
            StartedAt = StartedAt.UtcDateTime,
            FinishedAt = finished.UtcDateTime,
            ContainerID = ContainerId,
        };
        _exited.TrySetResult(terminated);
        onExit(this);
    }

    /// <summary>How the pid shows up in containerStatuses[].containerID.</summary>
    public string ContainerId => $"process://{Pid}";

    /// <summary>Kills the group of an orphan left by an earlier agent, if the pid file still describes a live process.</summary>
    public static void KillOrphan(Sandbox sandbox)
    {
        try
        {
            if (!File.Exists(sandbox.PidFile))
            {
                return;
            }

            var parts = File.ReadAllText(sandbox.PidFile).Split(' ');
            var pid = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var ticks = long.Parse(parts[1], CultureInfo.InvariantCulture);
            using var process = Process.GetProcessById(pid);
            // A recycled pid belongs to another process: it started at a different time.
            if (Math.Abs(process.StartTime.ToUniversalTime().Ticks - ticks) < TimeSpan.TicksPerSecond)
            {
                Signals.Send(pid, Signals.SigKill, group: true);
            }
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or ArgumentException or InvalidOperationException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or the file is unreadable: nothing left to stop.
        }
    }

    /// <summary>Whether an earlier agent started a process for this sandbox.</summary>
    public static bool WasStarted(Sandbox sandbox) => File.Exists(sandbox.PidFile);

    public void Dispose()
    {
        lock (_gate)
        {
            _killTimer?.Dispose();
            _memoryTimer?.Dispose();
        }

        _process.Dispose();
    }
}
