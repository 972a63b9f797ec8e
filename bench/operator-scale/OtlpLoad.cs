using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using ClusterTune.Api.Contract;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>
/// Posts trainer exports for the running simulated trials at a fixed offered rate (points/s), round-robin over the
/// silos' /v1/metrics as a Service would. A silo that refuses connections is taken out of the rotation (its endpoint
/// would leave the Service). Requests that cannot be sent because <see cref="MaxInFlight"/> are already waiting are
/// counted as not offered, so the printed offered rate is what was really sent.
/// </summary>
internal sealed class OtlpLoad(IReadOnlyList<Uri> silos, ConcurrentDictionary<string, SimTrial> running, double pointsPerSecond, int pointsPerRequest, double epochSeconds) : IAsyncDisposable
{
    private const int MaxInFlight = 256;
    private static readonly MediaTypeHeaderValue Protobuf = new("application/x-protobuf");
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 96, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _slots = new(MaxInFlight);
    private readonly bool[] _dead = new bool[silos.Count];
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _sent, _ok, _failed, _skipped, _pointsSent;

    public long PointsSent => Interlocked.Read(ref _pointsSent);
    public long RequestsOk => Interlocked.Read(ref _ok);
    public long RequestsFailed => Interlocked.Read(ref _failed);
    public long RequestsSkipped => Interlocked.Read(ref _skipped);

    public void Start() => _loop = Task.Run(LoopAsync);

    private async Task LoopAsync()
    {
        var clock = Stopwatch.StartNew();
        var perSecond = pointsPerSecond / pointsPerRequest;
        var order = new List<SimTrial>();
        var next = 0;
        string? lastPod = null;
        var silo = 0;
        var refreshed = TimeSpan.Zero;
        while (!_stop.IsCancellationRequested)
        {
            if (clock.Elapsed - refreshed > TimeSpan.FromMilliseconds(200) || next >= order.Count)
            {
                order = running.Values.Where(t => t.StartedAt is not null && !t.Done).OrderBy(t => t.Pod, StringComparer.Ordinal).ToList();
                // Carry on after the pod served last: starting at the list's head again fed the first few dozen pods
                // every time and starved the rest, whose epochs then reached the operator only through their results.
                next = lastPod is null ? 0 : Math.Max(0, order.FindIndex(t => string.CompareOrdinal(t.Pod, lastPod) > 0));
                refreshed = clock.Elapsed;
            }
            var due = (long)(clock.Elapsed.TotalSeconds * perSecond) - Interlocked.Read(ref _sent) - Interlocked.Read(ref _skipped);
            for (; due > 0 && order.Count > 0; due--)
            {
                if (!_slots.Wait(0))
                {
                    Interlocked.Increment(ref _skipped);
                    continue;
                }
                var t = order[next++ % order.Count];
                lastPod = t.Pod;
                int target;
                do
                {
                    target = silo++ % silos.Count;
                }
                while (_dead[target] && _dead.Any(d => !d));
                Interlocked.Increment(ref _sent);
                _ = SendAsync(t, target);
            }
            await Task.Delay(5);
        }
    }

    private async Task SendAsync(SimTrial t, int silo)
    {
        try
        {
            var now = DateTimeOffset.UtcNow;
            var epoch = t.CompletedEpochs(now, epochSeconds);
            var step = (long)((now - t.StartedAt!.Value).TotalMilliseconds / 10);
            var body = OtlpExport.Request(t, pointsPerRequest, epoch, step, now.ToUnixTimeMilliseconds() * 1_000_000L + Random.Shared.Next(1000));
            using var req = new HttpRequestMessage(HttpMethod.Post, new Uri(silos[silo], "/v1/metrics")) { Content = new ByteArrayContent(body) };
            req.Content.Headers.ContentType = Protobuf;
            req.Headers.Add(TrialEnv.TokenHeader, t.Token);
            var sentTicks = Stopwatch.GetTimestamp();
            if (epoch > 0 && t.FirstSentTicks[epoch] == 0)
            {
                Interlocked.CompareExchange(ref t.FirstSentTicks[epoch], sentTicks, 0);
            }

            Interlocked.Add(ref _pointsSent, pointsPerRequest);
            using var resp = await _http.SendAsync(req, _stop.Token);
            if (resp.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref _ok);
                if (epoch >= t.StopAt)
                {
                    t.FinalEpochAccepted = true;
                }
            }
            else
            {
                Interlocked.Increment(ref _failed);
            }
        }
        catch (HttpRequestException)
        {
            _dead[silo] = true;
            Interlocked.Increment(ref _failed);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _http.Dispose();
    }
}
