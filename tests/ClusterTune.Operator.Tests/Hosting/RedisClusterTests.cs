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
        // What the test did when, printed after the silos' logs on failure (a CI log may keep only its tail).
        var timeline = new List<string>();
        void Mark(string what) => timeline.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
        Mark($"started silos {string.Join(", ", silos.Select(s => $"{s.Name}=pid {s.Process.Id}"))}");
        try
        {
            using var client = await SiloClient.ConnectAsync(redis.Connection, clusterId);
            var grains = client.Grains();
            // Placement is decided when a grain activates: let all three silos join before the jobs exist.
            var management = grains.GetGrain<IManagementGrain>(0);
            await h.WaitUntilAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 3, "all three silos in the cluster", TimeSpan.FromSeconds(90));
            Mark("all three silos active");
            var names = Enumerable.Range(0, 6).Select(i => $"redis-{i}").ToList();
            foreach (var name in names)
            {
                await h.Client.CreateAsync(SweepHarness.GridJob(name, SweepHarness.GridLrFactors, SweepHarness.GridFreezeDepths, parallelism: 2, epochs: 3, epochSeconds: 0.5));
            }

            await h.WaitUntilAsync(async () => (await Task.WhenAll(names.Select(n => h.Client.TryGetAsync<Api.V1Alpha1.FineTuneJob>(n, "default"))))
                .All(j => j?.Status?.StartTime is not null), "every sweep started", TimeSpan.FromSeconds(90));
            Mark("every sweep started");

            var where = new Dictionary<string, GrainLocation>();
            foreach (var name in names)
            {
                where[name] = await grains.GetGrain<IFineTuneJobGrain>($"default/{name}").Where();
            }

            var byPid = where.GroupBy(w => w.Value.ProcessId).ToDictionary(g => g.Key, g => g.Select(w => w.Key).ToList());
            Mark($"job grains per silo process: {string.Join(", ", byPid.Select(kv => $"pid {kv.Key}={kv.Value.Count}"))}");
            Assert.True(byPid.Count >= 2, "the job grains should spread over the silos");
            Assert.All(byPid.Keys, pid => Assert.Contains(silos, s => s.Process.Id == pid));

            var (victimPid, orphaned) = byPid.MaxBy(kv => kv.Value.Count);
            var clock = Stopwatch.StartNew();
            silos.Single(s => s.Process.Id == victimPid).Process.Kill();   // SIGKILL: no goodbye to the cluster
            Mark($"SIGKILL pid {victimPid} hosting {string.Join(", ", orphaned)}");
            // The client may first try the dead silo's gateway; each attempt is bounded, the clock runs across them.
            GrainLocation? moved = null;
            while (moved is null && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                try
                {
                    moved = await grains.GetGrain<IFineTuneJobGrain>($"default/{orphaned[0]}").Where().WaitAsync(TimeSpan.FromSeconds(2));
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    // Whatever the client meets while the cluster notices the death (a dead gateway, a rejected or
                    // timed-out call) is retried; it is recorded for the failure report.
                    Mark($"{orphaned[0]}.Where(): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
                }
            }
            Assert.True(moved is not null, $"{orphaned[0]} was not served again within 60 s of the SIGKILL");
            Mark($"SIGKILL of pid {victimPid} ({orphaned.Count} job grains): served again by pid {moved.ProcessId} after {clock.Elapsed.TotalSeconds:0.00} s");
            Assert.NotEqual(victimPid, moved.ProcessId);

            await h.AssertGridSweepsEndedAlikeAsync(names, TimeSpan.FromSeconds(180));
            Mark("every sweep ended alike");

            // SIGTERM: a survivor leaves the cluster gracefully and exits 0.
            var survivor = silos.First(s => !s.Process.HasExited);
            Mark($"SIGTERM {survivor.Name}");
            Assert.Equal(0, Signals.Terminate(survivor.Process.Id));
            Assert.True(survivor.Process.WaitForExit(TimeSpan.FromSeconds(30)), $"{survivor.Name} did not exit within 30 s of SIGTERM");
            Assert.True(survivor.Process.ExitCode == 0, $"{survivor.Name} exited {survivor.Process.ExitCode}");
            Mark($"{survivor.Name} exited 0");
        }
        catch (Exception e)
        {
            foreach (var s in silos)
            {
                output.WriteLine($"--- {s.Name} (pid {s.Process.Id}{(s.Process.HasExited ? $", exited {s.Process.ExitCode}" : "")}) ---\n{s.Log()}");
            }

            Mark($"failed: {e.GetType().Name}: {e.Message}");
            throw;
        }
        finally
        {
            foreach (var line in timeline)
            {
                output.WriteLine(line);
            }

            foreach (var s in silos)
            {
                s.Dispose();
            }
        }
    }
}
