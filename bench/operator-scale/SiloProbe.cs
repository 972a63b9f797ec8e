using System.Globalization;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>What the bench reads of a silo process: CPU time and RSS from /proc, counters from its /metrics.</summary>
/// <param name="JitSeconds">Time the runtime spent compiling methods (dotnet_jit_compilation_time_seconds_total): start-up work, not steady state.</param>
/// <param name="GcSeconds">Time the runtime's threads were paused for GC (dotnet_gc_pause_time_seconds_total).</param>
/// <param name="Runtime">Allocated bytes, collections and exceptions thrown (dotnet_gc_heap_total_allocated_bytes_total, dotnet_gc_collections_total, dotnet_exceptions_total).</param>
/// <param name="ApiReads">Single-object GETs the silo sent to the API server (live reads past its caches).</param>
internal sealed record SiloSample(double CpuSeconds, double JitSeconds, double GcSeconds, long RssBytes, double PointsAccepted, double ApiWrites, double ApiWritesTrialStatus,
    IReadOnlyDictionary<string, double> WritesBy, RuntimeCounts Runtime, double ApiReads)
{
    /// <summary>The counters' increase from <paramref name="before"/> to this sample (RSS: this sample's).</summary>
    public SiloSample Minus(SiloSample before) => new(CpuSeconds - before.CpuSeconds, JitSeconds - before.JitSeconds, GcSeconds - before.GcSeconds, RssBytes,
        PointsAccepted - before.PointsAccepted, ApiWrites - before.ApiWrites, ApiWritesTrialStatus - before.ApiWritesTrialStatus,
        WritesBy.ToDictionary(kv => kv.Key, kv => kv.Value - before.WritesBy.GetValueOrDefault(kv.Key)), Runtime.Minus(before.Runtime), ApiReads - before.ApiReads);
}

/// <summary>Counters of the runtime's own meter that say what the load cost the process beyond its CPU time.</summary>
internal sealed record RuntimeCounts(double AllocatedBytes, double Collections, double Exceptions)
{
    public RuntimeCounts Minus(RuntimeCounts before) => new(AllocatedBytes - before.AllocatedBytes, Collections - before.Collections, Exceptions - before.Exceptions);
}

internal static class SiloProbe
{
    private static readonly HashSet<string> WriteVerbs = ["create", "update", "patch", "delete"];
    private static readonly double TicksPerSecond = ClockTicks();

    /// <summary>utime+stime of <paramref name="pid"/> in seconds (/proc/&lt;pid&gt;/stat fields 14 and 15).</summary>
    public static double CpuSeconds(int pid) => StatCpu($"/proc/{pid}/stat");

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
        double jit = 0, gc = 0;
        var rss = Rss(pid);
        var text = await http.GetStringAsync(new Uri(silo, "/metrics"));
        double points = 0, writes = 0, statusWrites = 0, reads = 0, allocated = 0, collections = 0, exceptions = 0;
        var by = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("dotnet_jit_compilation_time_seconds_total ", StringComparison.Ordinal))
            {
                jit = Value(line);
            }
            else if (line.StartsWith("dotnet_gc_pause_time_seconds_total ", StringComparison.Ordinal))
            {
                gc = Value(line);
            }
            else if (line.StartsWith("dotnet_gc_heap_total_allocated_bytes_total ", StringComparison.Ordinal))
            {
                allocated = Value(line);
            }
            else if (line.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal))
            {
                collections += Value(line); // one series, or one per generation
            }
            else if (line.StartsWith("dotnet_exceptions_total", StringComparison.Ordinal))
            {
                exceptions += Value(line);
            }
            else if (line.StartsWith("clustertune_operator_api_requests_total{", StringComparison.Ordinal) && Label(line, "verb") == "get")
            {
                reads += Value(line);
            }
            else if (line.StartsWith("clustertune_otlp_points_accepted_total", StringComparison.Ordinal))
            {
                points += Value(line);
            }
            else if (line.StartsWith("clustertune_operator_api_requests_total{", StringComparison.Ordinal) && WriteVerbs.Contains(Label(line, "verb")))
            {
                writes += Value(line);
                var code = Label(line, "code");
                var kind = $"{Label(line, "verb")} {Label(line, "resource")}{(code.StartsWith('2') ? "" : $" ({code})")}";
                by[kind] = by.GetValueOrDefault(kind) + Value(line);
                if (Label(line, "resource") == "trials/status")
                {
                    statusWrites += Value(line);
                }
            }
        }
        return new SiloSample(cpu, jit, gc, rss, points, writes, statusWrites, by, new RuntimeCounts(allocated, collections, exceptions), reads);
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
