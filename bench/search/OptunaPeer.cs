using System.Diagnostics;
using System.Text.Json;

namespace ClusterTune.Search.Bench;

/// <summary>Runs optuna_runner.py with Debian's /usr/bin/python3 (the python3 first on PATH may lack optuna).</summary>
internal static class OptunaPeer
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(AppContext.BaseDirectory, "optuna_runner.py");

    public static string RunScript(params string[] args)
    {
        var (exit, stdout, stderr) = Python3([Script, .. args]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"optuna_runner.py {string.Join(' ', args)} exited {exit}: {stderr}");
        }

        return stdout;
    }

    /// <summary>Null when Debian's Python has Optuna, else what to do about it.</summary>
    public static string? MissingOptuna() => Python3(["-c", "import optuna"]).Exit == 0 ? null
        : $"{Python} cannot import optuna: `make bench-search` installs the Debian package python3-optuna (or run `apt-get install python3-optuna`); pass --skip-optuna to run ClusterTune's methods alone";

    private static (int Exit, string Stdout, string Stderr) Python3(string[] args)
    {
        var psi = new ProcessStartInfo(Python, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Python}");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }

    public static List<RunResult> Run(BenchObjective obj, string pruner, int seeds, int budget, int workers, string sampler = "tpe")
    {
        static string S(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var output = RunScript("--objective", obj.Name, "--pruner", pruner, "--budget", S(budget), "--seeds", S(seeds), "--workers", S(workers), "--sampler", sampler);
        var results = new List<RunResult>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var trace = r.GetProperty("trace").EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetDouble())).ToList();
            var starts = r.GetProperty("starts").EnumerateArray().Select(e => (e[0].GetInt32(), e[1].GetInt32())).ToList();
            results.Add(new RunResult(r.GetProperty("seed").GetInt32(), r.GetProperty("epochs").GetInt32(), r.GetProperty("trials").GetInt32(), trace) { Starts = starts });
        }

        return results;
    }

    /// <summary>Compares the Python objectives with the C# ones on fixed points; returns the largest absolute difference.</summary>
    public static (int Points, double MaxDiff) CheckAgreement()
    {
        using var doc = JsonDocument.Parse(RunScript("--check"));
        var max = 0.0;
        var n = 0;
        var branin = new Branin();
        var hartmann = new Hartmann6();
        var recorded = File.Exists(RecordedCurves.DefaultPath) ? RecordedCurves.Load(RecordedCurves.DefaultPath) : null;
        foreach (var pt in doc.RootElement.EnumerateArray())
        {
            var a = pt.GetProperty("args").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            var py = pt.GetProperty("value").GetDouble();
            var cs = pt.GetProperty("kind").GetString() switch
            {
                "finetune" => FineTuneCurves.Curve((long)a[0], a[1], (long)a[2], (int)a[3], (ulong)a[4]),
                "branin" => branin.Value(new Dictionary<string, object> { ["x1"] = a[0], ["x2"] = a[1] }, (int)a[2], 0),
                "hartmann6" => hartmann.Value(Enumerable.Range(0, 6).ToDictionary(i => $"x{i}", i => (object)a[i]), (int)a[6], 0),
                "replay" => recorded!.Value(RecordedCurves.Nearest(new Dictionary<string, object> { ["freezeDepth"] = (long)a[0], ["lrFactor"] = a[1], ["loraRank"] = (long)a[2] }), (int)a[3], (ulong)a[4]),
                var k => throw new InvalidOperationException($"unknown check kind {k}"),
            };
            max = Math.Max(max, Math.Abs(cs - py));
            n++;
        }

        return (n, max);
    }
}
