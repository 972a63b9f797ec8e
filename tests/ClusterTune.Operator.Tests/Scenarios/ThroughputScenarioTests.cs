using System.Diagnostics;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using k8s;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// The operator's throughput on the embedded control plane: 50 FineTuneJobs of 4 trials applied at once, timed until
/// every job has Succeeded, with the API writes per trial. A measurement, not a gate: it prints its figures and runs
/// only with CT_BENCH=1 (`make bench-operator`), so the suite's time stays small.
/// </summary>
public sealed class ThroughputScenarioTests(ITestOutputHelper output)
{
    private const int Jobs = 50;
    private const int TrialsPerJob = 4;

    [BenchFact]
    public async Task FiftyJobsOfFourTrialsAllSucceed()
    {
        await using var h = await SweepHarness.StartAsync();
        var writes = new WriteCounter();
        await h.StartOperatorAsync(writes.Handler());
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i =>
            h.Client.CreateAsync(SweepHarness.GridJob($"tp-{i:00}", [0.01, 0.1], [0, 1], parallelism: TrialsPerJob, epochs: 2))));
        var applied = clock.Elapsed;
        await h.WaitUntilAsync(async () =>
        {
            var jobs = await h.Client.ListAllAsync<FineTuneJob>("default");
            return jobs.Count == Jobs && jobs.All(SweepHarness.Finished);
        }, "every job to finish", TimeSpan.FromMinutes(5));
        var done = clock.Elapsed;
        var all = await h.Client.ListAllAsync<FineTuneJob>("default");
        var trials = Jobs * TrialsPerJob;
        var total = writes.ByResource.Where(kv => kv.Key != "events").Sum(kv => kv.Value);
        output.WriteLine($"{Jobs} jobs x {TrialsPerJob} trials: applied in {applied.TotalSeconds:0.0} s, all finished {done.TotalSeconds:0.0} s after the first apply; " +
                         $"{all.Count(j => j.Status?.Phase == FineTuneJobPhase.Succeeded)} Succeeded; API writes per trial {(double)total / trials:0.0} " +
                         $"({string.Join(", ", writes.ByResource.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"))})");
        Assert.All(all, j => Assert.Equal(FineTuneJobPhase.Succeeded, j.Status?.Phase));
    }
}
