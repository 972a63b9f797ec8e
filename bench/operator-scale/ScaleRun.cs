using System.Diagnostics;
using System.Globalization;
using ClusterTune.Api.Schema;
using ClusterTune.ControlPlane;
using ClusterTune.Kubernetes;
using ClusterTune.Operator.Grains;
using ClusterTune.Testing.Silos;
using Orleans.Runtime;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>What one configuration measured.</summary>
internal sealed record RunResult(
    int Silos, TimeSpan Seed, TimeSpan Ready, double WindowSeconds, long PointsOffered, long RequestsFailed, long RequestsSkipped,
    IReadOnlyList<(string Kind, double LatencyMs)> Decisions, int TrialsFinished, double BenchCpuSeconds,
    IReadOnlyList<(string Name, SiloSample Delta, SiloSample End, int Jobs)> PerSilo, Kill? Kill, int JobsEnded, int Jobs, int FinishedAtOpen);

internal sealed record Kill(string Silo, int Jobs, TimeSpan FirstServed, TimeSpan AllServed, int Unserved);

/// <summary>One configuration: a fresh API server and history, N silo processes on a fresh redis-server, the same workload.</summary>
internal static class ScaleRun
{
    /// <summary>The operator as deployed: its own build output (building the bench builds it), run as separate processes.</summary>
    private static readonly string OperatorDll = Path.Combine(RepoRoot(), "operators", "ClusterTune.Operator", "bin", "Release", "net10.0", "ClusterTune.Operator.dll");

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "ClusterTune.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"ClusterTune.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Starts the API server and seeds the jobs and their histories once; every configuration runs on it in turn.</summary>
    public static async Task<(EmbeddedApiServer Server, Seeded Seeded)> StartAndSeedAsync(BenchOptions o, string checkpoints, TextWriter log)
    {
        var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions { Port = 0, EnableControllers = false, WatchWindowSize = 200_000, EventTtl = TimeSpan.FromMinutes(2) });
        foreach (var (_, yaml) in CrdGenerator.GenerateAllYaml())
        {
            server.InstallCrds(yaml);
        }

        var client = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress));
        log.WriteLine($"seeding {o.Jobs} jobs × {o.History} finished trials (create + /status each) ...");
        var seeded = await Workload.SeedAsync(client, o, checkpoints);
        log.WriteLine($"seeded in {seeded.Took.TotalSeconds:0} s");
        return (server, seeded);
    }

    public static async Task<RunResult> RunAsync(BenchOptions o, int silos, EmbeddedApiServer server, Seeded seeded, string checkpoints, TextWriter log)
    {
        var dir = Directory.CreateTempSubdirectory("ct-scale-").FullName;
        var procs = new List<OperatorProcess>();
        RedisServer? redis = null;
        try
        {
            var client = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress));
            await Workload.ResetAsync(client, o, seeded);
            var seed = seeded.Took;
            var rv = server.ResourceVersion;
            log.WriteLine($"[{silos} silo(s)] starting {silos} silo process(es)");

            using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            DecisionTracker? tracker = null;
            await using var kubelet = new SimKubelet(api, o.EpochSeconds, (t, ticks) => tracker!.OnPodTerminal(t, ticks));
            await using var decisions = tracker = new DecisionTracker(api, o.History, trial => kubelet.Running.Values.FirstOrDefault(t => t.Trial == trial));
            kubelet.Start(rv);
            tracker.Start(rv);

            redis = RedisServer.Start(dir);
            var kubeconfig = Path.Combine(dir, "kubeconfig");
            await using var gate = new ApiGate(server.BaseAddress.Port);
            server.WriteKubeconfig(kubeconfig);
            File.WriteAllText(kubeconfig, File.ReadAllText(kubeconfig).Replace($":{server.BaseAddress.Port}", $":{gate.Port}", StringComparison.Ordinal));
            var clusterId = $"scale-{Guid.NewGuid():N}"[..16];
            var urls = new List<Uri>();
            var started = Stopwatch.StartNew();
            for (var i = 0; i < silos; i++)
            {
                var url = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}");
                urls.Add(url);
                procs.Add(OperatorProcess.Start(OperatorDll, kubeconfig, redis.Connection, clusterId, checkpoints, $"silo-{i}",
                    "--namespace", Workload.Namespace, "--listen", url.ToString().TrimEnd('/')));
            }
            using var orleans = await SiloClient.ConnectAsync(redis.Connection, clusterId, TimeSpan.FromSeconds(300));
            var grains = orleans.Grains();
            while ((await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count < silos)
            {
                if (started.Elapsed > TimeSpan.FromSeconds(300))
                {
                    throw new TimeoutException($"{silos} silos did not all join the cluster within 300 s");
                }

                await Task.Delay(250);
            }
            var joined = started.Elapsed;
            gate.Open();
            using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            await WaitReadyAsync(probe, urls, procs, TimeSpan.FromSeconds(600));
            var ready = started.Elapsed;
            log.WriteLine($"[{silos} silo(s)] all joined the cluster after {joined.TotalSeconds:0} s; API opened to them; all ready (informers listed the history) after {ready.TotalSeconds:0} s");

            // Warm-up, not measured: every silo's informers deliver the history to the grains and each job starts its
            // first trials. The window opens once (nearly) all of them run, with the OTLP load already flowing.
            await using var load = new OtlpLoad(urls, kubelet.Running, o.PointsPerSecond, o.PointsPerRequest, o.EpochSeconds);
            load.Start();
            var warm = Stopwatch.StartNew();
            while (kubelet.Started < 0.95 * o.Jobs * o.Parallelism && warm.Elapsed < TimeSpan.FromSeconds(o.MaxSeconds))
            {
                await Task.Delay(250);
            }

            // A silo is a long-running process: what it costs per decision is measured in steady state, after the
            // runtime has compiled its hot paths (tier-1 JIT is about a quarter of a fresh silo's CPU in its first
            // minute, N silos pay it N times, and on oversubscribed cores it drags on). The window opens after
            // --warmup-seconds more of the same load, and once the silos' JIT is under 3 % of their CPU over 10 s.
            var firstRunning = warm.Elapsed;
            var jit0 = await SampleAllAsync(probe, urls, procs);
            await Task.Delay(TimeSpan.FromSeconds(o.WarmupSeconds));
            var before = await SampleAllAsync(probe, urls, procs);
            while (warm.Elapsed < firstRunning + TimeSpan.FromSeconds(o.WarmupSeconds + 150))
            {
                var earlier = before;
                await Task.Delay(TimeSpan.FromSeconds(10));
                before = await SampleAllAsync(probe, urls, procs);
                var (cpu, jit) = (before.Zip(earlier).Sum(x => x.First.Minus(x.Second).CpuSeconds), before.Zip(earlier).Sum(x => x.First.Minus(x.Second).JitSeconds));
                if (jit <= 0.03 * cpu)
                {
                    break;
                }
            }

            // A decision's cost grows with its job's history (TPE over every finished trial), so both runs are measured
            // over the same stretch of the sweeps: from --window-from to --window-fraction of the new trials finished.
            // Without it the run that warmed up longer (N silos compile N times) measured later, dearer decisions.
            var expected = o.Jobs * o.NewTrials;
            while (decisions.Finished.Count < o.WindowFrom * expected && warm.Elapsed.TotalSeconds < o.MaxSeconds + o.WarmupSeconds + 150)
            {
                await Task.Delay(100);
            }

            before = await SampleAllAsync(probe, urls, procs);
            var finishedAtOpen = decisions.Finished.Count;
            log.WriteLine($"[{silos} silo(s)] warm-up: {kubelet.Started} first trial pods running after {firstRunning.TotalSeconds:0} s, then {(warm.Elapsed - firstRunning).TotalSeconds:0} s more " +
                $"(silo CPU-s {before.Zip(jit0).Sum(x => x.First.Minus(x.Second).CpuSeconds):0.0}, of which JIT {before.Zip(jit0).Sum(x => x.First.Minus(x.Second).JitSeconds):0.0}); " +
                $"window opens at {finishedAtOpen}/{expected} new trials finished{(finishedAtOpen > (o.WindowFrom + 0.02) * expected ? $" (warm-up ran past --window-from {o.WindowFrom:P0}: this window starts later in the sweeps than intended)" : "")}");
            var benchCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var t0 = Stopwatch.GetTimestamp();
            var (points0, failed0, skipped0) = (load.PointsSent, load.RequestsFailed, load.RequestsSkipped);
            var window = Stopwatch.StartNew();
            var nextLog = TimeSpan.FromSeconds(15);
            while (decisions.Finished.Count < o.WindowFraction * expected && window.Elapsed.TotalSeconds < o.MaxSeconds)
            {
                await Task.Delay(250);
                if (window.Elapsed < nextLog)
                {
                    continue;
                }

                nextLog += TimeSpan.FromSeconds(15);
                log.WriteLine($"[{silos} silo(s)] {window.Elapsed.TotalSeconds:0} s: {decisions.Decisions.Count} decisions, {decisions.Finished.Count}/{expected} new trials finished, " +
                    $"{kubelet.Running.Count} pods, {(load.PointsSent - points0) / window.Elapsed.TotalSeconds:0} points/s sent, {load.RequestsFailed} failed requests");
            }
            var t1 = Stopwatch.GetTimestamp();
            var after = await SampleAllAsync(probe, urls, procs);
            var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - benchCpu0).TotalSeconds;
            var seconds = window.Elapsed.TotalSeconds;
            var offered = load.PointsSent - points0;
            var (failed, skipped) = (load.RequestsFailed - failed0, load.RequestsSkipped - skipped0);
            var inWindow = decisions.Decisions.Where(d => d.Ticks >= t0 && d.Ticks <= t1).Select(d => (d.Kind, d.LatencyMs)).ToList();
            var finished = decisions.Finished.Count(x => x >= t0 && x <= t1);

            var where = await WhereAsync(grains, o.Jobs);
            var jobsByPid = where.Values.GroupBy(w => w.ProcessId).ToDictionary(g => g.Key, g => g.Count());
            var perSilo = procs.Select((p, i) => (p.Name, Delta(after[i], before[i]), after[i], jobsByPid.GetValueOrDefault(p.Process.Id))).ToList();
            log.WriteLine($"[{silos} silo(s)] window closed after {seconds:0} s; job grains per silo: {string.Join(", ", perSilo.Select(s => $"{s.Name}={s.Item4}"))}");
            // Where the new trials are (a window that ran to --max-seconds says why here).
            var trials = await client.ListAllAsync<ClusterTune.Api.V1Alpha1.Trial>(Workload.Namespace);
            var states = trials.Where(t => t.Spec.Index >= o.History).GroupBy(t => $"{t.Status?.Phase}/{t.Status?.Reason}").OrderByDescending(g => g.Count());
            log.WriteLine($"[{silos} silo(s)] new trials by phase/reason: {string.Join(", ", states.Select(g => $"{g.Key} {g.Count()}"))}; not created: {o.Jobs * o.NewTrials - trials.Count(t => t.Spec.Index >= o.History)}; " +
                $"pods by phase: {string.Join(", ", (await client.ListAllAsync<k8s.Models.V1Pod>(Workload.Namespace)).GroupBy(p => $"{p.Status?.Phase}{(p.Metadata.DeletionTimestamp is null ? "" : "/deleting")}").Select(g => $"{g.Key} {g.Count()}"))}; " +
                $"kubelet: {kubelet.Running.Count} tracked, {kubelet.Running.Values.Count(t => t.StartedAt is not null && !t.Done)} running");
            var finishedTrials = Math.Max(1, trials.Count(t => t.Spec.Index >= o.History && t.Status?.Phase is ClusterTune.Api.V1Alpha1.TrialPhase.Succeeded or ClusterTune.Api.V1Alpha1.TrialPhase.Failed or ClusterTune.Api.V1Alpha1.TrialPhase.EarlyStopped));
            log.WriteLine($"[{silos} silo(s)] new trials' status writes as the watch saw them, per finished trial: " +
                string.Join(", ", decisions.StatusChanges.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value / (double)finishedTrials:0.00}")));
            log.WriteLine($"[{silos} silo(s)] FineTuneJob status writes as the watch saw them, per finished trial, by the fields they changed: " +
                string.Join(", ", decisions.JobStatusChanges.OrderByDescending(kv => kv.Value).Take(12).Select(kv => $"[{kv.Key}] {kv.Value / (double)finishedTrials:0.000}")));

            Kill? kill = null;
            if (silos > 1)
            {
                var victim = procs.MaxBy(p => jobsByPid.GetValueOrDefault(p.Process.Id))!;
                var orphaned = where.Where(w => w.Value.ProcessId == victim.Process.Id).Select(w => w.Key).ToList();
                kill = await KillAndWaitAsync(grains, victim, orphaned, log);
            }
            var endBy = Stopwatch.StartNew();
            while (decisions.JobsEnded < o.Jobs && endBy.Elapsed < TimeSpan.FromSeconds(Math.Min(60, o.MaxSeconds)))
            {
                await Task.Delay(500);
            }

            return new RunResult(silos, seed, ready, seconds, offered, failed, skipped, inWindow, finished, benchCpu, perSilo, kill, decisions.JobsEnded, o.Jobs, finishedAtOpen);
        }
        catch
        {
            foreach (var p in procs)
            {
                log.WriteLine($"--- {p.Name} (pid {p.Process.Id}) ---\n{p.Log()}");
            }

            throw;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("CT_BENCH_SILO_LOG") == "1")
            {
                foreach (var p in procs)
                {
                    log.WriteLine($"--- {p.Name} (pid {p.Process.Id}) ---\n{p.Log()}");
                }
            }

            foreach (var p in procs)
            {
                p.Dispose();
            }

            redis?.Dispose();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static SiloSample Delta(SiloSample a, SiloSample b) => a.Minus(b);

    private static async Task<SiloSample[]> SampleAllAsync(HttpClient http, List<Uri> urls, List<OperatorProcess> procs) =>
        await Task.WhenAll(urls.Select((u, i) => SiloProbe.SampleAsync(http, u, procs[i].Process.Id)));

    private static async Task WaitReadyAsync(HttpClient http, List<Uri> urls, List<OperatorProcess> procs, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var ready = new bool[urls.Count];
        while (!ready.All(r => r))
        {
            for (var i = 0; i < urls.Count; i++)
            {
                if (ready[i])
                {
                    continue;
                }

                if (procs[i].Process.HasExited)
                {
                    throw new InvalidOperationException($"{procs[i].Name} exited with {procs[i].Process.ExitCode}");
                }

                try
                {
                    using var r = await http.GetAsync(new Uri(urls[i], "/readyz"));
                    ready[i] = r.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                }
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"silos not ready after {timeout.TotalSeconds} s");
            }

            await Task.Delay(250);
        }
    }

    private static async Task<Dictionary<string, GrainLocation>> WhereAsync(IClusterClient grains, int jobs)
    {
        var result = new System.Collections.Concurrent.ConcurrentDictionary<string, GrainLocation>();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (j, _) =>
            result[Workload.JobName(j)] = await grains.GetGrain<IFineTuneJobGrain>($"{Workload.Namespace}/{Workload.JobName(j)}").Where());
        return new(result);
    }

    /// <summary>SIGKILLs <paramref name="victim"/> and times how long until its jobs' grains answer again from another silo.</summary>
    private static async Task<Kill> KillAndWaitAsync(IClusterClient grains, OperatorProcess victim, List<string> orphaned, TextWriter log)
    {
        var pid = victim.Process.Id;
        var clock = Stopwatch.StartNew();
        victim.Process.Kill();   // SIGKILL: no goodbye to the cluster
        var served = new System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan>();
        var deadline = TimeSpan.FromSeconds(90);
        await Parallel.ForEachAsync(orphaned, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (job, _) =>
        {
            while (clock.Elapsed < deadline)
            {
                try
                {
                    var at = await grains.GetGrain<IFineTuneJobGrain>($"{Workload.Namespace}/{job}").Where().WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
                    if (at.ProcessId != pid)
                    {
                        served[job] = clock.Elapsed;
                        return;
                    }
                }
                catch (Exception e) when (e is TimeoutException or OrleansException)
                {
                }
                await Task.Delay(100, CancellationToken.None);
            }
        });
        var times = served.Values.OrderBy(t => t).ToList();
        var kill = new Kill(victim.Name, orphaned.Count, times.FirstOrDefault(), times.LastOrDefault(), orphaned.Count - times.Count);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SIGKILL {victim.Name} (pid {pid}, {orphaned.Count} job grains): first served again after {kill.FirstServed.TotalSeconds:0.00} s, all after {kill.AllServed.TotalSeconds:0.00} s, {kill.Unserved} not served within {deadline.TotalSeconds} s"));
        return kill;
    }
}
