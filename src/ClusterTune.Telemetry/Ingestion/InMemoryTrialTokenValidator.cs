using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace ClusterTune.Telemetry.Ingestion;

/// <summary>
/// Thread-safe table of running trials and their tokens (and optionally their pod): the validator for local mode
/// and tests, or an operator that keeps the table in step with its informer.
/// </summary>
public sealed class InMemoryTrialTokenValidator : ITrialTokenValidator
{
    private readonly ConcurrentDictionary<TrialKey, (byte[] Token, string? Pod)> _trials = new();

    /// <summary>Registers (or replaces) a trial's token; <paramref name="podName"/> null accepts any pod.</summary>
    public void Register(TrialKey trial, string token, string? podName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _trials[trial] = (Encoding.UTF8.GetBytes(token), podName);
    }

    /// <summary>Forgets a trial: its later points are rejected as unknown.</summary>
    public bool Remove(TrialKey trial) => _trials.TryRemove(trial, out _);

    /// <inheritdoc />
    public ValueTask<TrialAuthorization> AuthorizeAsync(TrialKey trial, string? podName, string? token, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Authorize(trial, podName, token));

    private TrialAuthorization Authorize(TrialKey trial, string? podName, string? token)
    {
        if (!_trials.TryGetValue(trial, out var entry))
        {
            return TrialAuthorization.UnknownTrial;
        }
        // Constant-time comparison so response timing does not leak the token prefix.
        if (token is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), entry.Token))
        {
            return TrialAuthorization.InvalidToken;
        }
        if (entry.Pod is not null && podName is not null && !string.Equals(entry.Pod, podName, StringComparison.Ordinal))
        {
            return TrialAuthorization.PodMismatch;
        }
        return TrialAuthorization.Accepted;
    }
}
