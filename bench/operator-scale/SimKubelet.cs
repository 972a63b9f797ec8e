using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api.Contract;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>
/// A simulated kubelet for the bench's trial pods (label app.kubernetes.io/managed-by=clustertune): no processes.
/// A new pod goes Running after <see cref="StartDelay"/>; after its epochs (and once an export of its last epoch was
/// accepted, as a trainer flushes before exiting) it ends Succeeded with a trial-contract termination message; a pod
/// the operator deletes (a stop) ends with exit 143 and status "stopped", then the kubelet's final DELETE.
/// </summary>
internal sealed class SimKubelet(HttpClient api, double epochSeconds, Action<SimTrial, long> onTerminal) : IAsyncDisposable
{
    private static readonly TimeSpan StartDelay = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (SimTrial Trial, DateTimeOffset Due)> _pending = new();
    private readonly SemaphoreSlim _writes = new(32);
    private readonly CancellationTokenSource _stop = new();
    private Task? _watch, _loop;
    private long _statusWrites, _started;

    public ConcurrentDictionary<string, SimTrial> Running { get; } = new();
    public long StatusWrites => Interlocked.Read(ref _statusWrites);

    /// <summary>Pods reported Running so far.</summary>
    public long Started => Interlocked.Read(ref _started);

    public void Start(string resourceVersion)
    {
        _watch = Task.Run(() => WatchAsync(resourceVersion));
        _loop = Task.Run(LoopAsync);
    }

    private async Task WatchAsync(string rv)
    {
        var path = $"/api/v1/namespaces/{Workload.Namespace}/pods?labelSelector={Uri.EscapeDataString($"{LabelKeys.ManagedBy}={LabelKeys.ManagedByValue}")}";
        try
        {
            await foreach (var (type, pod) in RawWatch.StreamAsync(api, path, rv, _stop.Token))
            {
                var key = pod.Str("metadata", "name")!;
                if (type == "DELETED")
                {
                    if (Running.TryRemove(key, out var gone))
                    {
                        gone.Done = true;
                    }

                    _pending.TryRemove(key, out _);
                    continue;
                }
                var phase = pod.Str("status", "phase");
                if (phase is "Succeeded" or "Failed")
                {
                    continue;
                }

                if (pod.Str("metadata", "deletionTimestamp") is not null)
                {
                    _pending.TryRemove(key, out _);
                    if (Running.TryGetValue(key, out var t) && !t.Done)
                    {
                        t.Done = true;
                        _ = WriteAsync(() => EndAsync(t, stopped: true));
                    }
                    continue;
                }
                if (type == "ADDED" && !Running.ContainsKey(key) && await SimTrial.FromPodAsync(pod, SecretValueAsync) is { } trial)
                {
                    trial.InitTimes();
                    trial.ResourceBytes = OtlpExport.Resource(trial);
                    Running[key] = trial;
                    _pending[key] = (trial, DateTimeOffset.UtcNow + StartDelay);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            // A kubelet that stops watching would leave every later pod Pending: say why, loudly.
            Console.Error.WriteLine($"simulated kubelet: pod watch failed, no more pods will start: {e}");
            throw;
        }
    }

    /// <summary>A Secret's value as a kubelet resolves <c>valueFrom.secretKeyRef</c> (null when the Secret or key is missing).</summary>
    private async Task<string?> SecretValueAsync(string name, string key)
    {
        using var resp = await api.GetAsync($"/api/v1/namespaces/{Workload.Namespace}/secrets/{name}", _stop.Token);
        if (!resp.IsSuccessStatusCode)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync(_stop.Token));
        return doc.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty(key, out var v)
            ? Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!))
            : null;
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var (key, (t, due)) in _pending)
            {
                if (due > now || !_pending.TryRemove(key, out _))
                {
                    continue;
                }

                _ = WriteAsync(() => RunAsync(t));
            }
            foreach (var t in Running.Values)
            {
                if (t.Done || t.StartedAt is not { } s)
                {
                    continue;
                }

                var end = s + TimeSpan.FromSeconds(t.StopAt * epochSeconds);
                if (now >= end && (t.FinalEpochAccepted || now >= end + FlushWait))
                {
                    t.Done = true;
                    _ = WriteAsync(() => EndAsync(t, stopped: false));
                }
            }
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task WriteAsync(Func<Task> write)
    {
        await _writes.WaitAsync();
        try
        {
            await write();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
        }
        finally
        {
            _writes.Release();
        }
    }

    private async Task RunAsync(SimTrial t)
    {
        var now = DateTimeOffset.UtcNow;
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["startTime"] = Time(now),
            ["hostIP"] = "127.0.0.1",
            ["containerStatuses"] = new JsonArray(Container(t, new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time(now) } }, ready: true)),
        };
        if (await PatchStatusAsync(t, status))
        {
            t.StartedAt = now;
            Interlocked.Increment(ref _started);
        }
    }

    private async Task EndAsync(SimTrial t, bool stopped)
    {
        var now = DateTimeOffset.UtcNow;
        var epoch = t.CompletedEpochs(now, epochSeconds);
        var best = Path.Combine(t.CheckpointDir, "best");
        if (epoch > 0)
        {
            Directory.CreateDirectory(best);
            await File.WriteAllTextAsync(Path.Combine(best, "model.safetensors"), $"{{\"trial\":\"{t.Trial}\",\"epoch\":{epoch}}}");
        }
        var objective = epoch > 0 ? Math.Round(Enumerable.Range(1, epoch).Max(t.Accuracy), 5) : (double?)null;
        var result = new JsonObject
        {
            ["status"] = stopped ? "stopped" : "succeeded",
            ["objective"] = objective,
            ["metrics"] = new JsonObject { ["accuracy"] = objective },
            ["epoch"] = epoch,
            ["step"] = epoch * 100,
            ["bestCheckpoint"] = epoch > 0 ? best : null,
            ["lastCheckpoint"] = Path.Combine(t.CheckpointDir, "last"),
            ["trainableParameters"] = 100,
            ["trainableFraction"] = 0.25,
            ["message"] = stopped ? "stop requested (SIGTERM)" : null,
        };
        var code = stopped ? 143 : 0;
        var terminated = new JsonObject
        {
            ["exitCode"] = code,
            ["reason"] = stopped ? "Error" : "Completed",
            ["message"] = result.ToJsonString(),
            ["startedAt"] = Time(t.StartedAt ?? now),
            ["finishedAt"] = Time(now),
        };
        var status = new JsonObject
        {
            ["phase"] = stopped ? "Failed" : "Succeeded",
            ["containerStatuses"] = new JsonArray(Container(t, new JsonObject { ["terminated"] = terminated }, ready: false)),
        };
        if (await PatchStatusAsync(t, status))
        {
            onTerminal(t, Stopwatch.GetTimestamp());
        }

        if (stopped)
        {
            // The kubelet's last word on a deleted pod: DELETE with gracePeriodSeconds=0, for this incarnation only.
            using var req = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/namespaces/{t.Namespace}/pods/{t.Pod}")
            {
                Content = new StringContent($"{{\"gracePeriodSeconds\":0,\"preconditions\":{{\"uid\":\"{t.PodUid}\"}}}}", Encoding.UTF8, "application/json"),
            };
            using var resp = await api.SendAsync(req, _stop.Token);
            Interlocked.Increment(ref _statusWrites);
        }
    }

    private static JsonObject Container(SimTrial t, JsonObject state, bool ready) => new()
    {
        ["name"] = "trainer",
        ["image"] = Workload.Image,
        ["imageID"] = "",
        ["ready"] = ready,
        ["started"] = ready,
        ["restartCount"] = 0,
        ["state"] = state,
    };

    private async Task<bool> PatchStatusAsync(SimTrial t, JsonObject status)
    {
        var body = new JsonObject { ["metadata"] = new JsonObject { ["uid"] = t.PodUid }, ["status"] = status };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/merge-patch+json");
        using var resp = await api.PatchAsync($"/api/v1/namespaces/{t.Namespace}/pods/{t.Pod}/status", content, _stop.Token);
        Interlocked.Increment(ref _statusWrites);
        return resp.IsSuccessStatusCode;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var task in new[] { _watch, _loop })
        {
            if (task is null)
            {
                continue;
            }

            try
            {
                await task;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
