using System.Net;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Hosting;
using ClusterTune.Operator.Ingestion;
using k8s;
using k8s.Models;
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
            JobProgressInterval = TimeSpan.FromMilliseconds(200),
        };
        var cluster = await StartSilosAsync(h, options, 3);
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

    // An export that reaches a silo without the job's shard is checked by the job's grain on the shard's owner, and an
    // acceptance is reused there: a forged token is refused, the real one asked about once, and the points reach the
    // trial through the grain.
    [Fact]
    public async Task An_export_to_a_silo_without_the_jobs_shard_is_checked_by_the_jobs_grain_once()
    {
        await using var h = await SweepHarness.StartAsync();
        var options = new OperatorOptions { CheckpointRoot = h.CheckpointRoot, OtlpEndpoint = "", TerminationGracePeriodSeconds = 5 };
        var cluster = await StartSilosAsync(h, options, 2);
        try
        {
            await h.Client.CreateAsync(SweepHarness.GridJob("remote", [0.1], [0L], parallelism: 1, epochs: 3, epochSeconds: 20));
            V1Pod? pod = null;
            await h.WaitUntilAsync(async () => (pod = (await h.PodsAsync("remote")).FirstOrDefault(p => p.Status?.Phase == "Running")) is not null, "the trial pod to run");
            var trial = (await h.TrialsAsync("remote")).Single();
            var owner = (await cluster.Client.GetGrain<IFineTuneJobGrain>("default/remote").Where()).Silo;
            var other = cluster.Silos.Single(s => s.SiloAddress.ToString() != owner).ServiceProvider.GetRequiredService<OperatorEndpoint>();
            var accepted = Assert.IsType<ShardTokenValidator>(other.Receiver.Validator).Accepted;
            using var http = new HttpClient { BaseAddress = other.Address };

            var forged = await SweepHarness.PostOtlpAsync(http, SweepHarness.OtlpJson(pod!, trial, (MetricNames.EvalMetric, "accuracy", "0.99")), "forged");
            Assert.Equal((HttpStatusCode.OK, 1L), (forged.Status, forged.Rejected));
            Assert.Equal(0, accepted.Count);
            var token = await h.TokenOfAsync(pod!);
            foreach (var epoch in new[] { "1", "2" })
            {
                var sent = await SweepHarness.PostOtlpAsync(http, SweepHarness.OtlpJson(pod!, trial, (MetricNames.TrainEpoch, null, epoch), (MetricNames.EvalMetric, "accuracy", "0.5")), token);
                Assert.Equal((HttpStatusCode.OK, 0L), (sent.Status, sent.Rejected));
                Assert.Equal(1, accepted.Count);
            }

            Trial? seen = null;
            await h.WaitUntilAsync(async () => (seen = await h.Client.GetAsync<Trial>(trial.Metadata.Name!, "default")).Status?.Objective is not null, "the objective to reach the trial's status");
            Assert.Equal(0.5, seen!.Status!.Objective);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    // The operator as an in-process test cluster of `silos` silos against the harness's API server.
    private static async Task<InProcessTestCluster> StartSilosAsync(SweepHarness h, OperatorOptions options, short silos)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSiloHost((silo, host) =>
            host.AddClusterTuneOperator(KubeConnection.ForServer(h.Server.BaseAddress), options with { Identity = silo.SiloName }, "http://127.0.0.1:0", NullLoggerFactory.Instance));
        builder.ConfigureSilo((_, silo) => silo.ConfigureMembership(options));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
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
