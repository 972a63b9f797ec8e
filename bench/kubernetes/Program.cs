// Kubernetes client bench on the embedded API server (real HTTP on loopback). Every figure is printed next to a
// peer measured in the same run: a raw HttpClient loop doing the same requests without the typed client.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClusterTune.ControlPlane;
using ClusterTune.Kubernetes;
using ClusterTune.Kubernetes.Informers;
using k8s;
using k8s.Models;

var creates = ArgInt("--creates", 2000);
var watchCount = ArgInt("--watch", 5000);
var informerCount = ArgInt("--informer", 10_000);
const int Parallel = 8;

await using var server = await EmbeddedApiServer.StartAsync(new EmbeddedApiServerOptions
{
    EnableControllers = false,
    WatchWindowSize = 100_000,
    Random = new Random(1),
});
using var client = KubeConnection.Create(KubeConnection.ForServer(server.BaseAddress), random: new Random(2));
using var raw = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
Console.WriteLine($"Kubernetes client bench: embedded API server at {server.BaseAddress}, {Environment.ProcessorCount} cores");

await EnsureNamespace("bench-warm");
await CreateTyped("bench-warm", 200, 1); // JIT and connection warm-up for both paths
await CreateRaw("bench-warm", 200, 1, "raw");

// 1. Create throughput, sequential and 8 concurrent writers; two rounds in alternating order, best of each
// (the machine is shared, so order and neighbours matter).
foreach (var par in new[] { 1, Parallel })
{
    double bestTyped = 0, bestRaw = 0;
    for (var round = 0; round < 2; round++)
    {
        var nsTyped = $"bench-create-typed-{par}-{round}";
        var nsRaw = $"bench-create-raw-{par}-{round}";
        await EnsureNamespace(nsTyped);
        await EnsureNamespace(nsRaw);
        if (round % 2 == 0)
        {
            bestRaw = Math.Max(bestRaw, await CreateRaw(nsRaw, creates, par, "p"));
            bestTyped = Math.Max(bestTyped, await CreateTyped(nsTyped, creates, par));
        }
        else
        {
            bestTyped = Math.Max(bestTyped, await CreateTyped(nsTyped, creates, par));
            bestRaw = Math.Max(bestRaw, await CreateRaw(nsRaw, creates, par, "p"));
        }
    }
    Report($"create pods, {par} writer(s), best of 2", bestTyped, bestRaw, "objects/s");
}

// 2. Watch delivery: time from the first create until the last ADDED event arrives.
{
    await EnsureNamespace("bench-watch-typed");
    await EnsureNamespace("bench-watch-raw");
    var rawRate = await WatchRaw("bench-watch-raw", watchCount);
    var typedRate = await WatchTyped("bench-watch-typed", watchCount);
    Report($"watch delivery ({watchCount} creates, {Parallel} writers)", typedRate, rawRate, "events/s");
}

// 3. Informer memory per 10 k pods, against the size of the same objects as JSON text.
{
    var ns = "bench-informer";
    await EnsureNamespace(ns);
    await CreateRaw(ns, informerCount, Parallel, "p");
    var listJson = await raw.GetStringAsync($"api/v1/namespaces/{ns}/pods");
    var jsonBytes = Encoding.UTF8.GetByteCount(listJson);
    listJson = null;
    var before = Settle();
    var informer = new Informer<V1Pod>(client, new InformerOptions { Namespace = ns, Random = new Random(3) });
    using var cts = new CancellationTokenSource();
    var run = informer.RunAsync(cts.Token);
    var sw = Stopwatch.StartNew();
    await informer.WaitForSyncAsync();
    var syncSeconds = sw.Elapsed.TotalSeconds;
    var after = Settle();
    var per10k = (after - before) * 10_000.0 / informer.Count;
    var json10k = jsonBytes * 10_000.0 / informerCount;
    Console.WriteLine($"informer: {informer.Count} pods synced in {syncSeconds:0.00} s ({informer.Count / syncSeconds:0} objects/s)");
    Console.WriteLine($"informer memory: {per10k / 1048576:0.0} MiB per 10k pods; the same pods as JSON text: {json10k / 1048576:0.0} MiB; ratio {per10k / json10k:0.00}x");
    await cts.CancelAsync();
    await run;
    GC.KeepAlive(informer);
}
return;

long Settle()
{
    for (var i = 0; i < 3; i++)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }
    return GC.GetTotalMemory(forceFullCollection: true);
}

void Report(string what, double typed, double peer, string unit) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{what}: KubernetesClient {typed:0} {unit}, raw HttpClient {peer:0} {unit}, ratio {typed / peer:0.00}"));

static V1Pod NewPod(string ns, string name) => new()
{
    ApiVersion = "v1",
    Kind = "Pod",
    Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["clustertune.io/job"] = "bench" } },
    Spec = new V1PodSpec
    {
        RestartPolicy = "Never",
        Containers = [new V1Container { Name = "trainer", Image = "clustertune/trainer:bench", Command = ["ctune-trainer"], Env = [new V1EnvVar { Name = "CT_JOB", Value = "bench" }] }],
    },
};

async Task EnsureNamespace(string ns)
{
    if (await client.TryGetAsync<V1Namespace>(ns, null) is null)
    {
        await client.CreateAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
    }
}

async Task<double> CreateTyped(string ns, int count, int par)
{
    var next = -1;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, par).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            await client.CreateAsync(NewPod(ns, $"p-{i}"));
        }
    })));
    return count / sw.Elapsed.TotalSeconds;
}

async Task<double> CreateRaw(string ns, int count, int par, string prefix)
{
    var next = -1;
    var sw = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, par).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            using var content = new StringContent(KubernetesJson.Serialize(NewPod(ns, $"{prefix}-{i}")), Encoding.UTF8, "application/json");
            using var resp = await raw.PostAsync($"api/v1/namespaces/{ns}/pods", content);
            resp.EnsureSuccessStatusCode();
            await resp.Content.ReadAsStringAsync();
        }
    })));
    return count / sw.Elapsed.TotalSeconds;
}

async Task<double> WatchTyped(string ns, int count)
{
    var rv = (await client.ListAsync<V1Pod>(ns)).Metadata.ResourceVersion;
    var received = 0;
    var ready = new TaskCompletionSource();
    var watch = Task.Run(async () =>
    {
        ready.SetResult();
        await foreach (var (type, _) in client.CoreV1.WatchListNamespacedPodAsync(ns, resourceVersion: rv, timeoutSeconds: 600))
        {
            if (type == WatchEventType.Added && ++received == count)
            {
                return;
            }
        }
    });
    await ready.Task;
    await Task.Delay(200);
    var sw = Stopwatch.StartNew();
    await CreateRaw(ns, count, Parallel, "w");
    await watch;
    return count / sw.Elapsed.TotalSeconds;
}

async Task<double> WatchRaw(string ns, int count)
{
    var listJson = await raw.GetStringAsync($"api/v1/namespaces/{ns}/pods");
    var rv = System.Text.Json.Nodes.JsonNode.Parse(listJson)!["metadata"]!["resourceVersion"]!.ToString();
    var received = 0;
    var ready = new TaskCompletionSource();
    var watch = Task.Run(async () =>
    {
        using var resp = await raw.GetAsync($"api/v1/namespaces/{ns}/pods?watch=true&resourceVersion={rv}&timeoutSeconds=600", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await resp.Content.ReadAsStreamAsync());
        ready.SetResult();
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("{\"type\":\"ADDED\"", StringComparison.Ordinal) && ++received == count)
            {
                return;
            }
        }
    });
    await ready.Task;
    await Task.Delay(200);
    var sw = Stopwatch.StartNew();
    await CreateRaw(ns, count, Parallel, "w");
    await watch;
    return count / sw.Elapsed.TotalSeconds;
}

static int ArgInt(string name, int fallback)
{
    var args = Environment.GetCommandLineArgs();
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
