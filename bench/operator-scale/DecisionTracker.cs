using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>
/// Watches Trials and FineTuneJobs (from the resourceVersion after seeding) and records every decision the operator
/// wrote, when the bench's watch saw it, and its latency from the input that caused it:
/// stop: first export carrying the trial's newest evaluated epoch → spec.stop=true seen;
/// create: the job's last pod termination (written by the simulated kubelet) → new Trial seen;
/// promote: the job's last pod termination → bestTrial.promotedUri seen.
/// </summary>
internal sealed class DecisionTracker(HttpClient api, int history, Func<string, SimTrial?> trialPod) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _lastTerminal = new();
    private readonly ConcurrentDictionary<string, byte> _stopped = new(), _finished = new(), _promoted = new(), _ended = new(), _created = new();
    private readonly ConcurrentDictionary<string, (string? Phase, string? Reason, string Status)> _status = new();
    private readonly ConcurrentDictionary<string, JsonElement> _jobStatus = new();
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Status changes of new trials seen on the watch, by what changed (phase → phase, or only the observations).</summary>
    public ConcurrentDictionary<string, int> StatusChanges { get; } = new();
    private readonly List<Task> _watches = [];

    /// <summary>FineTuneJob status changes seen on the watch, by the status fields that changed.</summary>
    public ConcurrentDictionary<string, int> JobStatusChanges { get; } = new();

    /// <summary>(kind, seen at, latency ms or NaN when no cause was measurable).</summary>
    public ConcurrentQueue<(string Kind, long Ticks, double LatencyMs)> Decisions { get; } = new();

    /// <summary>Times new trials reached a terminal phase.</summary>
    public ConcurrentQueue<long> Finished { get; } = new();

    public int JobsEnded => _ended.Count;

    public void Start(string rv)
    {
        var prefix = $"/apis/{ApiGroup.Group}/{ApiGroup.Version}/namespaces/{Workload.Namespace}";
        _watches.Add(Task.Run(() => WatchAsync($"{prefix}/{Trial.Plural}", rv, OnTrial)));
        _watches.Add(Task.Run(() => WatchAsync($"{prefix}/{FineTuneJob.Plural}", rv, OnJob)));
    }

    public void OnPodTerminal(SimTrial t, long ticks) => _lastTerminal[t.Job] = ticks;

    private async Task WatchAsync(string path, string rv, Action<string, JsonElement> on)
    {
        try
        {
            await foreach (var (type, obj) in RawWatch.StreamAsync(api, path, rv, _stop.Token))
            {
                on(type, obj);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnTrial(string type, JsonElement trial)
    {
        var now = Stopwatch.GetTimestamp();
        var name = trial.Str("metadata", "name")!;
        var spec = trial.GetProperty("spec");
        if (spec.GetProperty("index").GetInt32() < history)
        {
            return;
        }

        var job = spec.GetProperty("jobName").GetString()!;
        CountStatusChange(name, trial);
        if (type == "ADDED" && _created.TryAdd(name, 0))
        {
            Decisions.Enqueue(("create", now, _lastTerminal.TryGetValue(job, out var end) ? Ms(end, now) : double.NaN));
        }

        if (spec.Str("stop") == "true" && _stopped.TryAdd(name, 0))
        {
            var latency = double.NaN;
            if (trialPod(name) is { } t)
            {
                var sent = t.FirstSentTicks.LastOrDefault(x => x != 0);
                if (sent != 0)
                {
                    latency = Ms(sent, now);
                }
            }
            Decisions.Enqueue(("stop", now, latency));
        }
        if (trial.Str("status", "phase") is "Succeeded" or "Failed" or "EarlyStopped" && _finished.TryAdd(name, 0))
        {
            Finished.Enqueue(now);
        }
    }

    // What each status write of a trial did, as the watch shows it: the writes per trial broken down by cause.
    private void CountStatusChange(string name, JsonElement trial)
    {
        var status = trial.TryGetProperty("status", out var st) ? st.GetRawText() : "";
        var now = (trial.Str("status", "phase"), trial.Str("status", "reason"), status);
        if (!_status.TryGetValue(name, out var was))
        {
            _status[name] = now;
            if (status.Length > 2)
            {
                StatusChanges.AddOrUpdate($"(created) → {now.Item1 ?? "-"}", 1, (_, n) => n + 1);
            }
            return;
        }

        if (was.Status == status)
        {
            return;
        }

        _status[name] = now;
        var kind = was.Phase is "Succeeded" or "Failed" or "EarlyStopped" ? $"{was.Phase}: after its end"
            : was.Phase != now.Item1 ? $"{was.Phase ?? "-"} → {now.Item1 ?? "-"}"
            : was.Reason != now.Item2 ? $"{now.Item1 ?? "-"}: reason {was.Reason ?? "-"} → {now.Item2 ?? "-"}"
            : $"{now.Item1 ?? "-"}: observations only";
        StatusChanges.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    private void OnJob(string type, JsonElement job)
    {
        var now = Stopwatch.GetTimestamp();
        var name = job.Str("metadata", "name")!;
        CountJobStatusChange(name, job);
        if (job.Str("status", "bestTrial", "promotedUri") is not null && _promoted.TryAdd(name, 0))
        {
            Decisions.Enqueue(("promote", now, _lastTerminal.TryGetValue(name, out var end) ? Ms(end, now) : double.NaN));
        }

        if (job.Str("status", "phase") is "Succeeded" or "Failed" && (job.Str("status", "bestTrial", "promotedUri") is not null || job.Str("status", "phase") == "Failed"))
        {
            _ended.TryAdd(name, 0);
        }
    }

    // Which fields each status write of a job changed (a condition by its type and the fields of it that changed).
    private void CountJobStatusChange(string name, JsonElement job)
    {
        if (!job.TryGetProperty("status", out var status))
        {
            return;
        }

        status = status.Clone();
        if (!_jobStatus.TryGetValue(name, out var was))
        {
            _jobStatus[name] = status;
            return;
        }

        _jobStatus[name] = status;
        static Dictionary<string, string> Fields(JsonElement e) => e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText());
        static Dictionary<string, Dictionary<string, string>> Conditions(JsonElement e) =>
            e.TryGetProperty("conditions", out var c) ? c.EnumerateArray().ToDictionary(x => x.GetProperty("type").GetString()!, Fields) : [];
        var (before, after) = (Fields(was), Fields(status));
        var changed = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in before.Keys.Union(after.Keys).Where(k => k != "conditions" && before.GetValueOrDefault(k) != after.GetValueOrDefault(k)))
        {
            changed.Add(key);
        }

        var (cb, ca) = (Conditions(was), Conditions(status));
        foreach (var type in cb.Keys.Union(ca.Keys))
        {
            var (x, y) = (cb.GetValueOrDefault(type) ?? [], ca.GetValueOrDefault(type) ?? []);
            var fields = x.Keys.Union(y.Keys).Where(k => k != "lastTransitionTime" && x.GetValueOrDefault(k) != y.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();
            if (fields.Count > 0)
            {
                changed.Add($"{type}.{string.Join('+', fields)}");
            }
        }

        if (changed.Count > 0)
        {
            JobStatusChanges.AddOrUpdate(string.Join(' ', changed), 1, (_, n) => n + 1);
        }
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var w in _watches)
        {
            try
            {
                await w;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }
}
