using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Trainer.Data;
using ClusterTune.Trainer.Models;
using ClusterTune.Trainer.Torch;
using ClusterTune.Trainer.Training;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace ClusterTune.Bench.Trainer;

/// <summary>
/// Trainer step time against the same model, data and loop in Debian's PyTorch (peer.py): both run as child
/// processes, interleaved, same thread count; prints the median steps/s of each, the step-time ratio and the RSS
/// of a long run of each (flat = no leak).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var o = Args(args);
        return o.GetValueOrDefault("mode") == "run" ? RunOnce(o) : Compare(o);
    }

    private static Dictionary<string, string> Args(string[] args)
    {
        var d = new Dictionary<string, string>
        {
            ["data"] = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "clustertune", "data"),
            ["threads"] = "1", ["rounds"] = "5", ["steps"] = "300", ["warmup"] = "20", ["batch"] = "64",
            ["freeze-depth"] = "1", ["lora-rank"] = "4", ["limit"] = "10000", ["rss-every"] = "0", ["long-steps"] = "2000",
        };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            d[args[i].TrimStart('-')] = args[i + 1];
        }

        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            d["mode"] = args[0];
            for (var i = 1; i + 1 < args.Length; i += 2)
            {
                d[args[i].TrimStart('-')] = args[i + 1];
            }
        }

        return d;
    }

    private static int I(Dictionary<string, string> o, string k) => int.Parse(o[k], CultureInfo.InvariantCulture);

    /// <summary>One measured run of the trainer's step (TrainingLoop's body); prints the same JSON line as peer.py.</summary>
    private static int RunOnce(Dictionary<string, string> o)
    {
        TorchRuntime.RetainFreedHostMemory(Environment.GetEnvironmentVariable);
        var device = TorchRuntime.Start(I(o, "threads"), DeviceSelection.Cpu);
        torch.manual_seed(0);
        var all = FashionMnist.Load(o["data"], train: true);
        var raw = all.Subset(Enumerable.Range(0, Math.Min(I(o, "limit"), all.Count)).ToArray());
        var (mean, std) = raw.PixelStatistics();
        var data = raw.Normalized(mean, std);
        var rank = I(o, "lora-rank");
        using var model = new ReferenceCnn(10, new FineTuneKnobs(I(o, "freeze-depth"), rank, Math.Max(rank, 1), ["conv", "linear"]), device);
        var plan = FineTuneSetup.Apply(model);
        const double BaseLr = 1e-3;
        using var optimizer = new GroupedAdamW(
            [
                ("adapted", plan.Adapted.Select(p => p.Parameter).ToList(), BaseLr),
                ("head", plan.Head.Select(p => p.Parameter).ToList(), BaseLr),
            ], 0.01);
        int warmupSteps = I(o, "warmup"), steps = I(o, "steps"), batch = I(o, "batch"), rssEvery = I(o, "rss-every");
        var total = warmupSteps + steps;
        var schedule = new LrSchedule(LrDecay.Cosine, Math.Max(1, total / 10), total);
        var batches = new Batches(data, batch, device);
        var order = BatchOrder.Permutation(data.Count, 0, 0);
        var epoch = 0;
        var pos = 0;
        var rss = new List<double>();
        var managed = new List<double>();
        model.train();

        void Step(int i)
        {
            if (pos + batch > data.Count)
            {
                order = BatchOrder.Permutation(data.Count, 0, ++epoch);
                pos = 0;
            }

            var span = order.AsSpan(pos, batch);
            pos += batch;
            optimizer.ApplyScheduleMultiplier(schedule.Factor(i));
            using var scope = torch.NewDisposeScope();
            var (x, y) = batches.Make(span);
            var loss = F.cross_entropy(model.forward(x), y);
            optimizer.Optimizer.zero_grad();
            loss.backward();
            optimizer.Optimizer.step();
            _ = loss.item<float>();
        }

        for (var i = 0; i < warmupSteps; i++)
        {
            Step(i);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            Step(warmupSteps + i);
            if (rssEvery > 0 && i % rssEvery == 0)
            {
                rss.Add(Math.Round(RssMiB(), 1));
                managed.Add(Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, 1));
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            impl = "clustertune",
            steps,
            seconds,
            steps_per_s = steps / seconds,
            peak_rss_mib = Math.Round(self.PeakWorkingSet64 / 1048576.0, 1),
            rss_mib = rss,
            managed_heap_mib = managed,
            gen2_collections = GC.CollectionCount(2),
        }));
        return 0;
    }

    private static double RssMiB()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize / 1048576.0;
    }

    private static JsonNode Child(string impl, Dictionary<string, string> o, int steps, int rssEvery)
    {
        var common = new[]
        {
            "--data", o["data"], "--threads", o["threads"], "--steps", steps.ToString(CultureInfo.InvariantCulture),
            "--warmup", o["warmup"], "--batch", o["batch"], "--freeze-depth", o["freeze-depth"], "--lora-rank", o["lora-rank"],
            "--limit", o["limit"], "--rss-every", rssEvery.ToString(CultureInfo.InvariantCulture),
        };
        var start = impl == "pytorch"
            ? new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "peer.py") } }
            : new ProcessStartInfo("dotnet") { ArgumentList = { typeof(Program).Assembly.Location, "run" } };
        foreach (var a in common)
        {
            start.ArgumentList.Add(a);
        }

        start.RedirectStandardOutput = true;
        start.Environment["OMP_NUM_THREADS"] = o["threads"];
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{impl} run failed with exit code {p.ExitCode}");
        }

        return JsonNode.Parse(output.Trim().Split('\n')[^1])!;
    }

    private static int Compare(Dictionary<string, string> o)
    {
        var rounds = I(o, "rounds");
        var steps = I(o, "steps");
        Console.WriteLine($"bench-trainer: clustertune-cnn-v1, batch {o["batch"]}, freezeDepth {o["freeze-depth"]}, loraRank {o["lora-rank"]}, " +
            $"{o["threads"]} thread(s), {steps} timed steps after {o["warmup"]} warm-up steps, {rounds} interleaved rounds");
        var cs = new List<double>();
        var py = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            // Alternate which side goes first so load drift on the shared machine hits both equally.
            foreach (var impl in r % 2 == 0 ? new[] { "clustertune", "pytorch" } : ["pytorch", "clustertune"])
            {
                var rate = Child(impl, o, steps, 0)["steps_per_s"]!.GetValue<double>();
                (impl == "pytorch" ? py : cs).Add(rate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {r + 1} {impl,-12} {rate,8:F2} steps/s"));
            }
        }

        double csMedian = Median(cs), pyMedian = Median(py);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median steps/s: ClusterTune {csMedian:F2}, PyTorch {pyMedian:F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step-time ratio ClusterTune/PyTorch = {pyMedian / csMedian:F3} (target <= 1.00)"));
        var longSteps = I(o, "long-steps");
        if (longSteps > 0)
        {
            foreach (var impl in new[] { "clustertune", "pytorch" })
            {
                var run = Child(impl, o, longSteps, Math.Max(1, longSteps / 10));
                var samples = run["rss_mib"]!.AsArray().Select(n => n!.GetValue<double>()).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"long run {impl,-12} {longSteps} steps: RSS MiB {string.Join(' ', samples.Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))}; peak {run["peak_rss_mib"]!.GetValue<double>():F0} MiB; growth first->last {samples[^1] - samples[0]:F1} MiB"));
            }
        }

        return 0;
    }

    private static double Median(List<double> values)
    {
        var s = values.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[(s.Count / 2) - 1] + s[s.Count / 2]) / 2;
    }
}
