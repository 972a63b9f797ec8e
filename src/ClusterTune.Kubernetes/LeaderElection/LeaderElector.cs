using System.Text.Json.Nodes;
using ClusterTune.Kubernetes.Patching;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterTune.Kubernetes.LeaderElection;

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease, following client-go's algorithm. Expiry is judged by the
/// local time at which a record change was observed (clock skew between replicas does not matter). Writes carry
/// the read resourceVersion (merge patch), so racing candidates get 409. The leader's work is cancelled and
/// awaited once RenewDeadline passes without a successful renewal, which is before LeaseDuration lets anyone else in.
/// </summary>
public sealed partial class LeaderElector
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _o;
    private readonly ILogger _log;
    private V1LeaseSpec? _observed;
    private string? _observedRv;
    private DateTimeOffset _observedTime;
    private volatile bool _isLeader;

    public LeaderElector(IKubernetes client, LeaderElectionOptions options, ILogger? logger = null)
    {
        options.Validate();
        _client = client;
        _o = options;
        _log = logger ?? NullLogger.Instance;
    }

    public string Identity => _o.Identity;

    /// <summary>True between acquiring the lease and stopping the work.</summary>
    public bool IsLeader => _isLeader;

    /// <summary>The holder in the last observed record.</summary>
    public string? ObservedLeader => _observed?.HolderIdentity;

    /// <summary>Called (on the election loop) when the observed holder changes.</summary>
    public Action<string?>? OnNewLeader { get; init; }

    /// <summary>
    /// Waits to acquire the lease, runs <paramref name="whileLeading"/> with a token cancelled when leadership is
    /// lost (or <paramref name="cancellationToken"/> fires), awaits it, and returns why it stopped. Run it again to
    /// rejoin the election.
    /// </summary>
    public async Task<LeadershipOutcome> RunUntilLeadershipLostAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        var time = _o.TimeProvider;
        DateTimeOffset lastRenew;
        // Acquire. A caller that stops while this replica is still waiting gets Cancelled, as after leading: stopping
        // is an expected outcome (SIGTERM during start-up used to crash the operator with TaskCanceledException).
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await TryAcquireOrRenewSafeAsync(cancellationToken).ConfigureAwait(false) is { } written)
                {
                    // The renew deadline runs from when the winning write was sent, not from when this attempt began:
                    // an attempt that spent long reading during an API outage must not eat the deadline (the lease
                    // used to be dropped 2 s after being reacquired).
                    lastRenew = written;
                    break;
                }
                double r;
                lock (_o.Random)
                    r = _o.Random.NextDouble();
                await Task.Delay(_o.RetryPeriod * (1 + _o.JitterFactor * r), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return LeadershipOutcome.Cancelled;
        }

        _isLeader = true;
        LogAcquired(_log, _o.Identity, _o.LeaseNamespace, _o.LeaseName);
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = Task.Run(() => whileLeading(leading.Token), CancellationToken.None);
        LeadershipOutcome outcome;
        while (true)
        {
            // Sleep RetryPeriod, waking early if the work ends or the caller cancels.
            var sleep = Task.Delay(_o.RetryPeriod, time, leading.Token);
            await Task.WhenAny(sleep, work).ConfigureAwait(false);
            // Cancellation first: the work usually ends because the caller cancelled it.
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = LeadershipOutcome.Cancelled;
                break;
            }
            if (work.IsCompleted)
            {
                outcome = LeadershipOutcome.WorkCompleted;
                break;
            }
            if (await RenewUntilDeadlineAsync(lastRenew, cancellationToken).ConfigureAwait(false) is { } renewedAt)
            {
                lastRenew = renewedAt;
                continue;
            }
            if (cancellationToken.IsCancellationRequested)
            {
                outcome = LeadershipOutcome.Cancelled;
                break;
            }
            outcome = LeadershipOutcome.Lost;
            break;
        }

        // Stop the work first: after a loss nothing may act once another replica could have taken over.
        await leading.CancelAsync().ConfigureAwait(false);
        try
        {
            await work.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (outcome != LeadershipOutcome.WorkCompleted)
        {
            LogWorkFailed(_log, e);
        }
        finally
        {
            _isLeader = false;
        }
        LogStopped(_log, _o.Identity, outcome.ToString());
        if (outcome != LeadershipOutcome.Lost && _o.ReleaseOnCancel)
            await ReleaseAsync().ConfigureAwait(false);
        if (outcome == LeadershipOutcome.WorkCompleted)
            await work.ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Renews until success (returns when the successful write was sent) or RenewDeadline (null).</summary>
    private async Task<DateTimeOffset?> RenewUntilDeadlineAsync(DateTimeOffset lastRenew, CancellationToken ct)
    {
        var time = _o.TimeProvider;
        var deadline = lastRenew + _o.RenewDeadline;
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var left = deadline - now;
            if (left <= TimeSpan.Zero)
                break;
            // A hanging request must not carry us past the deadline.
            using var attempt = new CancellationTokenSource(left, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, attempt.Token);
            if (await TryAcquireOrRenewSafeAsync(linked.Token).ConfigureAwait(false) is { } written)
                return written;
            left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
                break;
            try
            {
                await Task.Delay(left < _o.RetryPeriod ? left : _o.RetryPeriod, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        LogRenewFailed(_log, _o.Identity, _o.RenewDeadline.TotalSeconds);
        return null;
    }

    private async Task<DateTimeOffset?> TryAcquireOrRenewSafeAsync(CancellationToken ct)
    {
        try
        {
            return await TryAcquireOrRenewAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TimeoutException or IOException)
        {
            LogAttemptFailed(_log, _o.Identity, e.Describe());
            return null;
        }
    }

    /// <summary>One step of client-go's tryAcquireOrRenew; returns when the winning write was sent, or null.</summary>
    private async Task<DateTimeOffset?> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var time = _o.TimeProvider;
        var duration = (int)Math.Ceiling(_o.LeaseDuration.TotalSeconds);
        var lease = await _client.TryGetAsync<V1Lease>(_o.LeaseName, _o.LeaseNamespace, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (lease is null)
        {
            var created = new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = _o.LeaseName, NamespaceProperty = _o.LeaseNamespace },
                Spec = new V1LeaseSpec
                {
                    HolderIdentity = _o.Identity,
                    LeaseDurationSeconds = duration,
                    AcquireTime = now.UtcDateTime,
                    RenewTime = now.UtcDateTime,
                    LeaseTransitions = 0,
                },
            };
            try
            {
                var result = await _client.CreateAsync(created, ct).ConfigureAwait(false);
                Observe(result, time.GetUtcNow());
                return now;
            }
            catch (HttpOperationException e) when (e.IsAlreadyExists())
            {
                return null;
            }
        }

        var record = lease.Spec ?? new V1LeaseSpec();
        Observe(lease, now);
        var holder = record.HolderIdentity;
        var iHold = holder == _o.Identity;
        var validFor = TimeSpan.FromSeconds(record.LeaseDurationSeconds ?? duration);
        if (!string.IsNullOrEmpty(holder) && !iHold && _observedTime + validFor > now)
            return null;

        var spec = new V1LeaseSpec
        {
            HolderIdentity = _o.Identity,
            LeaseDurationSeconds = duration,
            AcquireTime = iHold ? record.AcquireTime ?? now.UtcDateTime : now.UtcDateTime,
            RenewTime = now.UtcDateTime,
            LeaseTransitions = iHold ? record.LeaseTransitions ?? 0 : (record.LeaseTransitions ?? 0) + 1,
        };
        try
        {
            var updated = await _client.MergePatchAsync<V1Lease>(_o.LeaseName, SpecPatch(spec, lease.Metadata.ResourceVersion!), _o.LeaseNamespace, ct).ConfigureAwait(false);
            Observe(updated, time.GetUtcNow());
            return now;
        }
        catch (HttpOperationException e) when (e.IsConflict())
        {
            return null;
        }
    }

    /// <summary>Clears the holder (leaseDurationSeconds 1) if we still hold the lease, so a successor starts fast.</summary>
    private async Task ReleaseAsync()
    {
        if (_observed?.HolderIdentity != _o.Identity || _observedRv is null)
            return;
        var now = _o.TimeProvider.GetUtcNow();
        var spec = new V1LeaseSpec
        {
            HolderIdentity = "",
            LeaseDurationSeconds = 1,
            AcquireTime = now.UtcDateTime,
            RenewTime = now.UtcDateTime,
            LeaseTransitions = _observed.LeaseTransitions,
        };
        try
        {
            using var cts = new CancellationTokenSource(_o.RenewDeadline, _o.TimeProvider);
            var updated = await _client.MergePatchAsync<V1Lease>(_o.LeaseName, SpecPatch(spec, _observedRv), _o.LeaseNamespace, cts.Token).ConfigureAwait(false);
            Observe(updated, now);
            LogReleased(_log, _o.Identity);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or TimeoutException or OperationCanceledException)
        {
            // Best effort: the lease then simply expires after LeaseDuration.
            LogAttemptFailed(_log, _o.Identity, e.Describe());
        }
    }

    private static JsonObject SpecPatch(V1LeaseSpec spec, string resourceVersion) =>
        MergePatch.WithResourceVersion(new JsonObject { ["spec"] = PatchJson.ToNode(spec) }, resourceVersion);

    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        var spec = lease.Spec ?? new V1LeaseSpec();
        var changed = _observed is null
            || _observed.HolderIdentity != spec.HolderIdentity
            || _observed.RenewTime != spec.RenewTime
            || _observed.AcquireTime != spec.AcquireTime
            || _observed.LeaseTransitions != spec.LeaseTransitions
            || _observed.LeaseDurationSeconds != spec.LeaseDurationSeconds;
        if (!changed)
        {
            _observedRv = lease.Metadata.ResourceVersion;
            return;
        }
        var newHolder = _observed?.HolderIdentity != spec.HolderIdentity;
        _observed = spec;
        _observedRv = lease.Metadata.ResourceVersion;
        _observedTime = now;
        if (newHolder)
            OnNewLeader?.Invoke(spec.HolderIdentity);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} acquired lease {Namespace}/{Name}")]
    private static partial void LogAcquired(ILogger logger, string identity, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} could not renew within {Seconds} s: stopping work")]
    private static partial void LogRenewFailed(ILogger logger, string identity, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} stopped leading ({Outcome})")]
    private static partial void LogStopped(ILogger logger, string identity, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} released the lease")]
    private static partial void LogReleased(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Identity} lease attempt failed: {Error}")]
    private static partial void LogAttemptFailed(ILogger logger, string identity, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Leader work failed")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception);
}
