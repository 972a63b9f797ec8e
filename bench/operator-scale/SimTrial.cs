using System.Text.Json;
using ClusterTune.Operator.Planning;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>A trial pod the simulated kubelet runs: what its trainer would know from the pod spec, and its progress.</summary>
internal sealed class SimTrial
{
    public required string Namespace { get; init; }
    public required string Pod { get; init; }
    public required string PodUid { get; init; }
    public required string Job { get; init; }
    public required string Trial { get; init; }
    public required int Index { get; init; }
    public required int Attempt { get; init; }
    public required string Token { get; init; }
    public required string CheckpointDir { get; init; }
    public required int Epochs { get; init; }
    public required int StopAt { get; init; }
    public required double LrFactor { get; init; }
    public required long FreezeDepth { get; init; }
    public required long LoraRank { get; init; }
    public required double Noise { get; init; }

    /// <summary>When the kubelet reported it Running (null: not yet).</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>Set once an export carrying the final epoch was accepted: the trainer may exit.</summary>
    public volatile bool FinalEpochAccepted;

    /// <summary>Set when the pod is deleted or finished: the load generator skips it.</summary>
    public volatile bool Done;

    /// <summary>Serialises the resource's protobuf bytes once (they never change).</summary>
    public byte[]? ResourceBytes { get; set; }

    /// <summary>First time an export carrying epoch e's evaluation was sent (index e), for decision latency.</summary>
    public long[] FirstSentTicks { get; private set; } = [];

    public int CompletedEpochs(DateTimeOffset now, double epochSeconds) =>
        StartedAt is { } s ? Math.Min(StopAt, (int)Math.Floor((now - s).TotalSeconds / epochSeconds)) : 0;

    public double Accuracy(int epoch) => Workload.Accuracy(LrFactor, FreezeDepth, LoraRank, epoch, Epochs, Noise);

    public void InitTimes() => FirstSentTicks = new long[StopAt + 1];

    /// <summary>
    /// Reads a pod's trial from its env (the trial contract's CT_* variables), or null for a pod that is not a trial.
    /// The per-attempt token is read from the Secret the pod mounts, as a kubelet would.
    /// </summary>
    public static async Task<SimTrial?> FromPodAsync(JsonElement pod, Func<string, string, Task<string?>> secretValue)
    {
        var meta = pod.GetProperty("metadata");
        var podName = meta.GetProperty("name").GetString()!;
        var containers = pod.GetProperty("spec").GetProperty("containers");
        if (containers.GetArrayLength() == 0)
        {
            return null;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (containers[0].TryGetProperty("env", out var list))
        {
            foreach (var e in list.EnumerateArray())
            {
                if (e.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String)
                {
                    env[e.GetProperty("name").GetString()!] = v.GetString()!;
                }
            }
        }

        string Env(string name) => env.TryGetValue(name, out var v) ? v : throw new InvalidOperationException($"pod {meta.GetProperty("name")} has no env {name}");
        using var p = JsonDocument.Parse(Env(Api.Contract.TrialEnv.Params));
        var epochs = int.Parse(Env(Api.Contract.TrialEnv.Epochs), System.Globalization.CultureInfo.InvariantCulture);
        var stopAt = env.TryGetValue(Api.Contract.TrialEnv.StopAtEpoch, out var s) && s.Length > 0 ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : epochs;
        var trial = Env(Api.Contract.TrialEnv.Trial);
        var index = int.Parse(trial[(trial.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var job = Env(Api.Contract.TrialEnv.Job);
        return new SimTrial
        {
            Namespace = meta.GetProperty("namespace").GetString()!,
            Pod = meta.GetProperty("name").GetString()!,
            PodUid = meta.GetProperty("uid").GetString()!,
            Job = job,
            Trial = trial,
            Index = index,
            Attempt = env.TryGetValue(Api.Contract.TrialEnv.Attempt, out var a) ? int.Parse(a, System.Globalization.CultureInfo.InvariantCulture) : 1,
            Token = await secretValue(PodTemplate.TokenSecretName(podName), Api.Contract.TrialEnv.TokenSecretKey)
                ?? throw new InvalidOperationException($"pod {podName}: its token Secret {PodTemplate.TokenSecretName(podName)} has no key {Api.Contract.TrialEnv.TokenSecretKey}"),
            CheckpointDir = Env(Api.Contract.TrialEnv.CheckpointDir),
            Epochs = epochs,
            StopAt = Math.Min(stopAt, epochs),
            LrFactor = p.RootElement.GetProperty(Api.Contract.KnobNames.LrFactor).GetDouble(),
            FreezeDepth = p.RootElement.GetProperty(Api.Contract.KnobNames.FreezeDepth).GetInt64(),
            LoraRank = p.RootElement.GetProperty(Api.Contract.KnobNames.LoraRank).GetInt64(),
            Noise = ((uint)HashCode.Combine(job, index) % 1000 / 1000.0 - 0.5) * Workload.NoiseAmplitude,
        };
    }
}
