using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Grains;
using ClusterTune.Operator.Tests.Scenarios;
using ClusterTune.Testing;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace ClusterTune.Operator.Tests.Hosting;

/// <summary>
/// The deployable operator as three processes sharing a real redis-server (Debian's; `make deps` installs it): the
/// silos form one controller, a silo killed with SIGKILL mid-sweep has its jobs reactivated on the others with every
/// sweep ending as an undisturbed one does, and SIGTERM makes a silo leave gracefully and exit 0.
/// </summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ThreeSiloProcessesOnRedisSurviveAKill9MidSweep()
    {
        await using var h = await SweepHarness.StartAsync();
        using var redis = RedisServer.Start(h.Dir);
        var kubeconfig = Path.Combine(h.Dir, "kubeconfig");
        h.Server.WriteKubeconfig(kubeconfig);
        var clusterId = $"test-{Guid.NewGuid():N}"[..16];
        var silos = Enumerable.Range(0, 3).Select(i => OperatorProcess.Start(kubeconfig, redis.Connection, clusterId, h.CheckpointRoot, $"silo-{i}")).ToList();
        try
        {
            using var client = await ConnectAsync(redis.Connection, clusterId);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var names = Enumerable.Range(0, 6).Select(i => $"redis-{i}").ToList();
            foreach (var name in names)
                await h.Client.CreateAsync(SweepHarness.GridJob(name, SweepHarness.GridLrFactors, SweepHarness.GridFreezeDepths, parallelism: 2, epochs: 3, epochSeconds: 0.5));
            await h.WaitUntilAsync(async () => (await Task.WhenAll(names.Select(n => h.Client.TryGetAsync<Api.V1Alpha1.FineTuneJob>(n, "default"))))
                .All(j => j?.Status?.StartTime is not null), "every sweep started", TimeSpan.FromSeconds(90));

            var where = new Dictionary<string, GrainLocation>();
            foreach (var name in names) where[name] = await grains.GetGrain<IFineTuneJobGrain>($"default/{name}").Where();
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
            foreach (var s in silos) output.WriteLine($"--- {s.Name} (pid {s.Process.Id}) ---\n{s.Log()}");
            throw;
        }
        finally
        {
            foreach (var s in silos) s.Dispose();
        }
    }

    private static async Task<IHost> ConnectAsync(string redis, string clusterId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(c => c.UseRedisClustering(redis).Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId)));
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                return host;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                host.Dispose();
                await Task.Delay(500);   // no gateway registered yet: the silos are still starting
            }
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    /// <summary>Debian's redis-server on a free port, no persistence, killed on dispose.</summary>
    private sealed class RedisServer : IDisposable
    {
        private readonly Process _process;

        private RedisServer(Process process, int port)
        {
            _process = process;
            Connection = $"127.0.0.1:{port}";
        }

        public string Connection { get; }

        public static RedisServer Start(string dir)
        {
            const string binary = "/usr/bin/redis-server";
            Assert.True(File.Exists(binary), "redis-server is missing: `make deps` installs it (Debian package redis-server)");
            var port = FreePort();
            var p = Process.Start(new ProcessStartInfo(binary)
            {
                ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir },
                RedirectStandardOutput = true,
            })!;
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var probe = new TcpClient("127.0.0.1", port);
                    return new RedisServer(p, port);
                }
                catch (SocketException)
                {
                    Thread.Sleep(50);
                }
            }
            p.Kill();
            throw new InvalidOperationException($"redis-server did not listen on {port}");
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
        }
    }

    /// <summary>One ClusterTune.Operator process (a silo), its output kept for failure reports.</summary>
    private sealed class OperatorProcess : IDisposable
    {
        private readonly System.Text.StringBuilder _log = new();

        private OperatorProcess(string name, Process process)
        {
            Name = name;
            Process = process;
        }

        public string Name { get; }
        public Process Process { get; }

        public string Log()
        {
            lock (_log) return _log.ToString();
        }

        public static OperatorProcess Start(string kubeconfig, string redis, string clusterId, string checkpointRoot, string name)
        {
            var dll = RepoPaths.Combine("operators", "ClusterTune.Operator", "bin", "Release", "net10.0", "ClusterTune.Operator.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: build the solution in Release (make build)");
            var p = new Process
            {
                StartInfo = new ProcessStartInfo("dotnet")
                {
                    ArgumentList = { dll, "--kubeconfig", kubeconfig, "--listen", "http://127.0.0.1:0", "--redis", redis, "--cluster-id", clusterId,
                        "--silo-port", "0", "--gateway-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "--advertise-address", "127.0.0.1", "--checkpoint-root", checkpointRoot, "--otlp-endpoint", "http://127.0.0.1:9" },
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    Environment = { ["POD_NAME"] = name },
                },
            };
            var op = new OperatorProcess(name, p);
            p.OutputDataReceived += (_, e) => { lock (op._log) op._log.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { lock (op._log) op._log.AppendLine(e.Data); };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return op;
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    private static class Signals
    {
        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static extern int Kill(int pid, int signal);

        public static int Terminate(int pid) => Kill(pid, 15);
    }
}
