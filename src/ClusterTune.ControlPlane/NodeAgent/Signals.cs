using System.Runtime.InteropServices;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>POSIX signals through libc kill(2): Process.Kill only sends SIGKILL, and only to one process.</summary>
internal static class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>
    /// Signals the process group led by <paramref name="pid"/>, or just the process; false when nothing was there.
    /// There is no fallback from group to pid: after the leader is reaped its pid may already be someone else's.
    /// </summary>
    public static bool Send(int pid, int signal, bool group) => pid > 0 && Kill(group ? -pid : pid, signal) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
