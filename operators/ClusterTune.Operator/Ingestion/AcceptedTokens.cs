using System.Collections.Concurrent;
using ClusterTune.Operator.Planning;
using ClusterTune.Telemetry;

namespace ClusterTune.Operator.Ingestion;

/// <summary>
/// The exports' credentials (trial, pod, SHA-256 of the token) that the job's grain on another silo accepted lately,
/// each for <see cref="Lifetime"/>: a trainer exports every few seconds with the same token, so a silo that does not
/// hold the job's shard asks the grain once per lifetime instead of once per export, and its points then go to the
/// grain in one call, not two. Only acceptance is kept: a refused token is asked again, and a token stops being
/// accepted here at most one lifetime after its trial ended or its pod went (points the grain then gets only complete
/// the trial's curve). Tokens themselves are not kept, only their hashes.
/// </summary>
public sealed class AcceptedTokens(TimeProvider time)
{
    /// <summary>How long an acceptance is reused.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    /// <summary>Above this many entries, expired ones are dropped (and all of them, if that is not enough).</summary>
    public const int Capacity = 20_000;

    private readonly ConcurrentDictionary<(TrialKey Trial, string? Pod, string TokenHash), DateTimeOffset> _until = new();

    /// <summary>Whether this export's credentials were accepted less than <see cref="Lifetime"/> ago.</summary>
    public bool Contains(TrialKey trial, string? podName, string token) =>
        _until.TryGetValue((trial, podName, PodTemplate.TokenHash(token)), out var until) && time.GetUtcNow() < until;

    /// <summary>Remembers that the job's grain accepted these credentials now.</summary>
    public void Add(TrialKey trial, string? podName, string token)
    {
        var now = time.GetUtcNow();
        if (_until.Count >= Capacity)
        {
            foreach (var (key, until) in _until)
            {
                if (until <= now)
                {
                    _until.TryRemove(key, out _);
                }
            }

            if (_until.Count >= Capacity)
            {
                _until.Clear();
            }
        }

        _until[(trial, podName, PodTemplate.TokenHash(token))] = now + Lifetime;
    }

    /// <summary>How many credentials are remembered (expired ones included until the next purge).</summary>
    public int Count => _until.Count;
}
