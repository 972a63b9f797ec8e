using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ClusterTune.Experiments;

/// <summary>
/// Runs a <see cref="SweepDefinition"/> through `ctune run` (local mode: embedded API server, process node agent,
/// operator) and reads its trials back with `ctune report --work-dir` (sweep.json).
/// </summary>
/// <param name="Trials">Every trial, each with a result.</param>
/// <param name="SweepTime">From the FineTuneJob's start to its completion.</param>
/// <param name="WallTime">This call: ctune's start-up and shutdown, the sweep and the report (near zero when reused).</param>
internal sealed record SweepRun(IReadOnlyList<TrialResult> Trials, TimeSpan SweepTime, TimeSpan WallTime);

internal sealed class SweepRunner(string ctune, string cacheDir, string workRoot, bool reuse, TextWriter log)
{
    private readonly Dictionary<string, string> _promoted = new(StringComparer.Ordinal);

    /// <summary>Runs the sweep (or rereads it, with reuse) and returns its trials; throws when ctune fails or a trial has no result.</summary>
    public async Task<SweepRun> RunAsync(SweepDefinition sweep, CancellationToken ct)
    {
        var dir = Path.Combine(workRoot, sweep.Name);
        Directory.CreateDirectory(workRoot);
        var jobFile = Path.Combine(workRoot, sweep.Name + ".json");
        var reportDir = Path.Combine(workRoot, sweep.Name + "-report");
        var json = sweep.ToJobJson(ResolveBase(sweep.Base));
        var clock = Stopwatch.StartNew();
        // --reuse: a sweep whose job file is unchanged and whose report exists is read again, not run again (for
        // rewriting the doc after a change to how it is written).
        var reused = reuse && File.Exists(jobFile) && await File.ReadAllTextAsync(jobFile, ct) == json && File.Exists(Path.Combine(reportDir, "sweep.json"));
        if (!reused)
        {
            await File.WriteAllTextAsync(jobFile, json, ct);
            await log.WriteLineAsync($"experiments: sweep {sweep.Name}: {sweep.Trials} trials, {sweep.Epochs} epochs, base {sweep.Base}");
            var (code, output) = await RunCtuneAsync(["run", jobFile, "--work-dir", dir, "--cache-dir", cacheDir, "--timeout", "60m"], ct);
            if (code != 0)
            {
                throw new InvalidOperationException($"ctune run {jobFile} exited {code}:\n{Tail(output)}");
            }

            (code, output) = await RunCtuneAsync(["report", sweep.Name, "--work-dir", dir, "--out", reportDir], ct);
            if (code != 0)
            {
                throw new InvalidOperationException($"ctune report {sweep.Name} exited {code}:\n{Tail(output)}");
            }
        }

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reportDir, "sweep.json"), ct));
        var trials = doc.RootElement.GetProperty("trials").EnumerateArray().Select(Parse).ToList();
        if (doc.RootElement.TryGetProperty("best", out var best) && best.ValueKind == JsonValueKind.Object
            && best.TryGetProperty("promotedUri", out var promoted) && promoted.ValueKind == JsonValueKind.String)
        {
            _promoted[sweep.Name] = promoted.GetString()!;
        }

        var failed = trials.Where(t => t.FinalAccuracy is null).Select(t => $"{t.Name} ({t.Phase})").ToList();
        if (failed.Count > 0)
        {
            throw new InvalidOperationException($"sweep {sweep.Name}: trials without a result: {string.Join(", ", failed)}");
        }

        // The sweep's own start and completion times: right for a reused sweep too.
        var took = doc.RootElement.TryGetProperty("startTime", out var start) && doc.RootElement.TryGetProperty("completionTime", out var end)
            && start.ValueKind == JsonValueKind.String && end.ValueKind == JsonValueKind.String
            ? end.GetDateTimeOffset() - start.GetDateTimeOffset() : clock.Elapsed;
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"experiments: sweep {sweep.Name}: {trials.Count} trials in {took.TotalSeconds:0} s{(reused ? " (reused)" : "")}"));
        return new SweepRun(trials, took, clock.Elapsed);
    }

    private string? ResolveBase(string name) => name switch
    {
        SweepDefinition.Scratch => null,
        SweepDefinition.FashionBase => "file:///var/cache/clustertune/models/clustertune-cnn-fashion/base",
        SweepDefinition.SpamBase => "file:///var/cache/clustertune/models/clustertune-text-spam/base",
        _ when name.StartsWith(SweepDefinition.SweepPrefix, StringComparison.Ordinal) =>
            _promoted.TryGetValue(name[SweepDefinition.SweepPrefix.Length..], out var uri) ? uri
                : throw new InvalidOperationException($"base {name}: that sweep has not run or promoted no checkpoint (list it before the sweeps that use it)"),
        _ => throw new ArgumentException($"unknown base '{name}'", nameof(name)),
    };

    private static TrialResult Parse(JsonElement t)
    {
        var ps = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in t.GetProperty("params").EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number)
            {
                ps[p.Name] = p.Value.GetDouble();
            }
        }

        var curve = t.GetProperty("curve").EnumerateArray().Select(c => (Epoch: c.GetProperty("epoch").GetInt32(), Value: c.GetProperty("value").GetDouble())).ToList();
        var phase = t.GetProperty("phase").GetString() ?? "";
        var final = phase == "Succeeded" && curve.Count > 0 ? curve.MaxBy(c => c.Epoch).Value : (double?)null;
        return new TrialResult(t.GetProperty("name").GetString() ?? "", phase, ps, final, curve.Count == 0 ? 0 : curve.Max(c => c.Epoch));
    }

    private async Task<(int Code, string Output)> RunCtuneAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(ctune) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {ctune}");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        return (p.ExitCode, await stdout + await stderr);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));
}
