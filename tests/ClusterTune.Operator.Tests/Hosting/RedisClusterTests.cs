using System.Diagnostics;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Tests.Scenarios;
using ClusterTune.Testing;
using ClusterTune.Testing.Silos;
using k8s;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>
/// The deployable operator as three processes sharing a real redis-server (Debian's; `make deps` installs it): the
/// silos form one controller, a silo killed with SIGKILL mid-sweep has its jobs reactivated on the others with every
/// sweep ending as an undisturbed one does, and SIGTERM makes a silo leave gracefully and exit 0.
/// </summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private static readonly string OperatorDll = RepoPaths.Combine("operators", "ClusterTune.Operator", "bin", "Release", "net10.0", "ClusterTune.Operator.dll");

    [Fact]
    public async Task ThreeSiloProcessesOnRedisSurviveAKill9MidSweep()
    {
        await using var h = await SweepHarness.StartAsync();
        using var redis = RedisServer.Start(h.Dir);
        var kubeconfig = Path.Combine(h.Dir, "kubeconfig");
        h.Server.WriteKubeconfig(kubeconfig);
        var clusterId = $"test-{Guid.NewGuid():N}"[..16];
        var silos = Enumerable.Range(0, 3).Select(i => OperatorProcess.Start(OperatorDll, kubeconfig, redis.Connection, clusterId, h.CheckpointRoot, $"silo-{i}")).ToList();
        try
        {
            using var client = await SiloClient.ConnectAsync(redis.Connection, clusterId);
            var grains = client.Grains();
            // Placement is decided when a grain activates: let all three silos join before the jobs exist.
            var management = grains.GetGrain<IManagementGrain>(0);
            await h.WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 3, "all three silos in the cluster", TimeSpan.FromSeconds(90));
            var names = Enumerable.Range(0, 6).Select(i => $"redis-{i}").ToList();
            foreach (var name in names)
            {
                await h.Client.CreateAsync(SweepHarness.GridJob(name, SweepHarness.GridLrFactors, SweepHarness.GridFreezeDepths, parallelism: 2, epochs: 3, epochSeconds: 0.5));
            }

            await h.WaitUntilAsync(async () => (await Task.WhenAll(names.Select(n => h.Client.TryGetAsync<Api.V1Alpha1.FineTuneJob>(n, "default"))))
                .All(j => j?.Status?.StartTime is not null), "every sweep started", TimeSpan.FromSeconds(90));

            var where = new Dictionary<string, GrainLocation>();
            foreach (var name in names)
            {
                where[name] = await grains.GetGrain<IFineTuneJobGrain>($"default/{name}").Where();
            }

            var byPid = where.GroupBy(w => w.Value.ProcessId).ToDictionary(g => g.Key, g => g.Select(w => w.Key).ToList());
            output.WriteLine($"job grains per silo process: {string.Join(", ", byPid.Select(kv => $"pid {kv.Key}={kv.Value.Count}"))}");
            Assert.True(byPid.Count >= 2, "the job grains should spread over the silos");
            Assert.All(byPid.Keys, pid => Assert.Contains(silos, s => s.Process.Id == pid));

            var (victimPid, orphaned) = byPid.MaxBy(kv => kv.Value.Count);
            var clock = Stopwatch.StartNew();
            silos.Single(s => s.Process.Id == victimPid).Process.Kill();   // SIGKILL: no goodbye to the cluster
            // The client may first try the dead silo's gateway; each attempt is bounded, the clock runs across them.
            GrainLocation? moved = null;
            while (moved is null && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    moved = await grains.GetGrain<IFineTuneJobGrain>($"default/{orphaned[0]}").Where().WaitAsync(TimeSpan.FromSeconds(2));
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                }
            }
            Assert.NotNull(moved);
            output.WriteLine($"SIGKILL of pid {victimPid} ({orphaned.Count} job grains): served again by pid {moved.ProcessId} after {clock.Elapsed.TotalSeconds:0.00} s");
            Assert.NotEqual(victimPid, moved.ProcessId);

            await h.AssertGridSweepsEndedAlikeAsync(names, TimeSpan.FromSeconds(180));

            // SIGTERM: a survivor leaves the cluster gracefully and exits 0.
            var survivor = silos.First(s => !s.Process.HasExited);
            Assert.Equal(0, Signals.Terminate(survivor.Process.Id));
            Assert.True(survivor.Process.WaitForExit(TimeSpan.FromSeconds(30)), "a silo did not exit within 30 s of SIGTERM");
            Assert.True(survivor.Process.ExitCode == 0, $"exit {survivor.Process.ExitCode}\n{survivor.Log()}");
        }
        catch
        {
            foreach (var s in silos)
            {
                output.WriteLine($"--- {s.Name} (pid {s.Process.Id}) ---\n{s.Log()}");
            }

            throw;
        }
        finally
        {
            foreach (var s in silos)
            {
                s.Dispose();
            }
        }
    }
}
