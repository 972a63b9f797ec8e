using System.Globalization;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>What the bench reads of a silo process: CPU time and RSS from /proc, counters from its /metrics.</summary>
/// <param name="JitSeconds">CPU of the runtime's tiered-compilation thread: one-off start-up work, not steady state.</param>
/// <param name="GcSeconds">CPU of the runtime's dedicated GC threads (server GC; workstation GC runs on the allocating threads).</param>
internal sealed record SiloSample(double CpuSeconds, double JitSeconds, double GcSeconds, long RssBytes, double PointsAccepted, double ApiWrites, double ApiWritesTrialStatus,
    IReadOnlyDictionary<string, double> WritesBy)
{
    /// <summary>The counters' increase from <paramref name="before"/> to this sample (RSS: this sample's).</summary>
    public SiloSample Minus(SiloSample before) => new(CpuSeconds - before.CpuSeconds, JitSeconds - before.JitSeconds, GcSeconds - before.GcSeconds, RssBytes,
        PointsAccepted - before.PointsAccepted, ApiWrites - before.ApiWrites, ApiWritesTrialStatus - before.ApiWritesTrialStatus,
        WritesBy.ToDictionary(kv => kv.Key, kv => kv.Value - before.WritesBy.GetValueOrDefault(kv.Key)));
}

internal static class SiloProbe
{
    private static readonly HashSet<string> WriteVerbs = ["create", "update", "patch", "delete"];
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>utime+stime of <paramref name="pid"/> in seconds (/proc/&lt;pid&gt;/stat fields 14 and 15).</summary>
    public static double CpuSeconds(int pid) => StatCpu($"/proc/{pid}/stat");

    /// <summary>utime+stime of the threads of <paramref name="pid"/> whose name starts with <paramref name="prefix"/> (a thread that ended is not counted).</summary>
    public static double ThreadCpuSeconds(int pid, string prefix)
    {
        double sum = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    sum += StatCpu(Path.Combine(task, "stat"));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the thread ended between the listing and the read
            }
        }
        return sum;
    }

    private static double StatCpu(string path)
    {
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>VmRSS of <paramref name="pid"/> in bytes.</summary>
    public static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    public static async Task<SiloSample> SampleAsync(HttpClient http, Uri silo, int pid)
    {
        var cpu = CpuSeconds(pid);
        var (jit, gc) = (ThreadCpuSeconds(pid, ".NET Tiered Com"), ThreadCpuSeconds(pid, ".NET Server GC") + ThreadCpuSeconds(pid, ".NET BGC"));
        var rss = Rss(pid);
        var text = await http.GetStringAsync(new Uri(silo, "/metrics"));
        double points = 0, writes = 0, statusWrites = 0;
        var by = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("clustertune_otlp_points_accepted_total", StringComparison.Ordinal))
            {
                points += Value(line);
            }
            else if (line.StartsWith("clustertune_operator_api_requests_total{", StringComparison.Ordinal) && WriteVerbs.Contains(Label(line, "verb")))
            {
                writes += Value(line);
                var kind = $"{Label(line, "verb")} {Label(line, "resource")}";
                by[kind] = by.GetValueOrDefault(kind) + Value(line);
                if (Label(line, "resource") == "trials/status")
                {
                    statusWrites += Value(line);
                }
            }
        }
        return new SiloSample(cpu, jit, gc, rss, points, writes, statusWrites, by);
    }

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);

    private static string Label(string line, string name)
    {
        var i = line.IndexOf(name + "=\"", StringComparison.Ordinal);
        if (i < 0)
        {
            return "";
        }

        i += name.Length + 2;
        return line[i..line.IndexOf('"', i)];
    }

    private static double ClockTicks()
    {
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true })!;
            return double.Parse(p.StandardOutput.ReadToEnd().Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or FormatException)
        {
            return 100;
        }
    }
}
