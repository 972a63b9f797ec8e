using System.Globalization;
using k8s.Models;

namespace ClusterTune.ControlPlane.NodeAgent;

/// <summary>
/// What the agent knows about memory kills: a container's memory limit, the resident memory of its process group
/// (the agent enforces the limit itself, as a cgroup would), and the kernel's oom_kill counter of the agent's own
/// cgroup (so a kernel OOM kill is told apart from a SIGKILL sent from outside).
/// </summary>
internal static class MemoryLimit
{
    /// <summary>The first container's limits.memory in bytes, or null when it sets none.</summary>
    public static long? Bytes(V1Pod pod) =>
        pod.Spec?.Containers is [{ Resources.Limits: { } limits }, ..] && limits.TryGetValue(ResourceNames.Memory, out var q)
            ? (long)q.ToDecimal()
            : null;

    /// <summary>The summed resident set of the processes in process group <paramref name="pgid"/>, in bytes.</summary>
    public static long GroupResidentBytes(int pgid)
    {
        long pages = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "pid (comm) state ppid pgrp ... rss": comm may hold spaces and parentheses, so count after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 21 && int.Parse(fields[2], CultureInfo.InvariantCulture) == pgid)
                {
                    pages += long.Parse(fields[21], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // The process exited while we looked.
            }
        }

        return pages * Environment.SystemPageSize;
    }

    /// <summary>
    /// The kernel's count of OOM kills in the agent's own memory cgroup (v2 memory.events, v1 memory.oom_control),
    /// or null when neither file can be read. A rise while a process ran means the kernel killed something there.
    /// </summary>
    public static long? KernelOomKills()
    {
        foreach (var file in CounterFiles())
        {
            try
            {
                foreach (var line in File.ReadLines(file))
                {
                    if (line.StartsWith("oom_kill ", StringComparison.Ordinal))
                    {
                        return long.Parse(line["oom_kill ".Length..], CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }

        return null;
    }

    private static IEnumerable<string> CounterFiles()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/self/cgroup");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var line in lines)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                yield return $"/sys/fs/cgroup{parts[2].TrimEnd('/')}/memory.events";
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                yield return $"/sys/fs/cgroup/memory{parts[2].TrimEnd('/')}/memory.oom_control";
                // Inside a cgroup namespace the agent's cgroup is the mount's root.
                yield return "/sys/fs/cgroup/memory/memory.oom_control";
            }
        }
    }
}
