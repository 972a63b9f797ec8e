using System.Globalization;
using ClusterTune.Operator.Scale.Bench;

// `make bench-operator-scale`: the operator's Orleans silos, 1 vs 3 processes, on the same simulated workload (no
// trainer processes). See docs/operator.md "Scale-out (measured)" for what the figures mean.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
BenchOptions o;
try
{
    o = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var memGiB = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (double)(1L << 30);
Console.WriteLine($"operator scale-out bench: {o.Jobs} FineTuneJobs (TPE, median stopping), {o.History} finished trials each already in the API, " +
    $"{o.NewTrials} new simulated trials each ({o.Parallelism} at a time, {o.Epochs} epochs × {o.EpochSeconds} s), OTLP offered at {o.PointsPerSecond:0} points/s " +
    $"({o.PointsPerRequest} points per export, protobuf), silos: {string.Join(" vs ", o.Silos)}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {memGiB:0} GiB, shared with other work; the bench process (API server, simulated kubelet, load) runs on the same cores. " +
    "More silos cannot be faster in wall-clock here: compare CPU per decision.");
var checkpoints = Directory.CreateTempSubdirectory("ct-scale-checkpoints-").FullName;
var (server, seeded) = await ScaleRun.StartAndSeedAsync(o, checkpoints, Console.Out);
var results = new List<RunResult>();
try
{
    foreach (var n in o.Silos)
    {
        results.Add(await ScaleRun.RunAsync(o, n, server, seeded, checkpoints, Console.Out));
    }
}
finally
{
    await server.DisposeAsync();
    Directory.Delete(checkpoints, recursive: true);
}
Report.Print(o, results, Console.Out);
return 0;
