using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Hosting;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// The controller as several Orleans silos (Orleans' in-process test cluster) against the real embedded API server and
/// process node agent: job grains spread over the silos, and a silo killed mid-sweep changes no sweep's outcome.
/// </summary>
public sealed class MultiSiloScenarioTests(ITestOutputHelper output)
{
    [Fact]
    public async Task JobGrainsSpreadOverThreeSilosAndAKilledSiloChangesNoSweepsBestCheckpoint()
    {
        await using var h = await SweepHarness.StartAsync();
        var options = new OperatorOptions
        {
            CheckpointRoot = h.CheckpointRoot,
            OtlpEndpoint = "",
            TerminationGracePeriodSeconds = 5,
            ProgressFlushInterval = TimeSpan.FromMilliseconds(200),
        };
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((silo, host) =>
            host.AddClusterTuneOperator(KubeConnection.ForServer(h.Server.BaseAddress), options with { Identity = silo.SiloName }, "http://127.0.0.1:0", NullLoggerFactory.Instance));
        builder.ConfigureSilo((_, silo) => silo.ConfigureMembership(options));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            const int jobs = 9;
            var names = Enumerable.Range(0, jobs).Select(i => $"sweep-{i}").ToList();
            foreach (var name in names)
            {
                await h.Client.CreateAsync(SweepHarness.GridJob(name, SweepHarness.GridLrFactors, SweepHarness.GridFreezeDepths, parallelism: 2, epochs: 3, epochSeconds: 0.4));
            }

            // Every job's grain is active somewhere; the silos share them.
            await h.WaitUntilAsync(async () => (await Task.WhenAll(names.Select(n => h.Client.TryGetAsync<FineTuneJob>(n, "default"))))
                .All(j => j?.Status?.StartTime is not null), "every sweep started", TimeSpan.FromSeconds(60));
            var where = await LocateAsync(cluster, names);
            var perSilo = where.GroupBy(w => w.Value.Silo).ToDictionary(g => g.Key, g => g.Count());
            output.WriteLine($"job grains per silo: {string.Join(", ", perSilo.Select(kv => $"{kv.Key}={kv.Value}"))}");
            Assert.True(perSilo.Count >= 2, "the job grains should spread over the silos");

            // Kill (no graceful shutdown) a silo that hosts jobs, other than the one holding the test membership table.
            var victim = cluster.Silos.Skip(1).First(s => perSilo.ContainsKey(s.SiloAddress.ToString()));
            var orphaned = where.Where(w => w.Value.Silo == victim.SiloAddress.ToString()).Select(w => w.Key).ToList();
            var killedAt = DateTime.UtcNow;
            await cluster.KillSiloAsync(victim);
            var after = await LocateAsync(cluster, orphaned);
            output.WriteLine($"killed {victim.SiloAddress} hosting {orphaned.Count} job(s); they answered again from {string.Join(", ", after.Values.Select(v => v.Silo).Distinct())} after {(DateTime.UtcNow - killedAt).TotalSeconds:0.0} s");
            Assert.All(after.Values, v => Assert.NotEqual(victim.SiloAddress.ToString(), v.Silo));

            // Every sweep ends as an undisturbed one does: the oracle's best, the same promoted bytes, one pod per trial.
            await h.AssertGridSweepsEndedAlikeAsync(names);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static async Task<Dictionary<string, GrainLocation>> LocateAsync(InProcessTestCluster cluster, IEnumerable<string> jobs)
    {
        var result = new Dictionary<string, GrainLocation>();
        foreach (var job in jobs)
        {
            result[job] = await cluster.Client.GetGrain<IFineTuneJobGrain>($"default/{job}").Where();
        }

        return result;
    }
}
