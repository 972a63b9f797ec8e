using System.Net.Http.Headers;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.Operator.Planning;
using ClusterTune.Telemetry.Catalog;
using k8s;
using k8s.Autorest;

namespace ClusterTune.Operator.Controllers;

/// <summary>
/// Acts on <see cref="NotificationPolicy"/>: POSTs the due spec.notify events (signed with the Secret a target names)
/// and returns status.notifications with each attempt's outcome, for the job's status write. The job reconciler calls
/// it; nothing else sends. A crash between a 2xx and the status write repeats the POST with the same delivery id.
/// </summary>
public sealed class NotificationSender(IKubernetes client, TimeProvider time, Func<OperatorOptions> options, ClusterTuneMetrics? metrics = null)
{
    /// <summary>Key of the Secret read when secretRef names no key.</summary>
    public const string DefaultSecretKey = "secret";

    // One client for the process (pooled connections, DNS refreshed); redirects are not followed: the spec names the receiver.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    // The last outcome of each delivery this process attempted, until the job in the cache shows it: a reconcile that
    // runs on a cache still behind our own status write must not POST a delivered event again (its write would then
    // fail on the resourceVersion anyway). Across a restart the written status is all there is (at-least-once).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, NotificationStatus> _written = new(StringComparer.Ordinal);

    /// <summary>What one pass did: the records to write to status, the events to record, and when a retry is due.</summary>
    public sealed record Outcome(List<NotificationStatus>? Records, IReadOnlyList<PlannedEvent> Events, TimeSpan? RetryIn);

    /// <summary>Sends what is due for <paramref name="job"/> whose new status is <paramref name="status"/>.</summary>
    public async Task<Outcome> DeliverAsync(FineTuneJob job, EffectiveSpec spec, FineTuneJobStatus status, CancellationToken ct)
    {
        // Outcomes the status read already shows are forgotten; the others stand in for what the cache lacks.
        foreach (var r in status.Notifications ?? [])
        {
            if (_written.TryGetValue(r.DeliveryId, out var mine) && mine.Attempts <= r.Attempts)
            {
                _written.TryRemove(new KeyValuePair<string, NotificationStatus>(r.DeliveryId, mine));
            }
        }

        var plan = NotificationPolicy.Plan(job, status, time.GetUtcNow(), _written);
        var records = plan.Records;
        var events = new List<PlannedEvent>();
        var settings = options().NotificationRetry;
        foreach (var due in plan.Due)
        {
            var target = job.Spec.Notify![due.Target];
            var (code, error) = await PostAsync(job, spec, status, target, due, settings, ct);
            var after = NotificationPolicy.AfterAttempt(due, code, error, time.GetUtcNow(), settings);
            records[records.IndexOf(due)] = after;
            _written[after.DeliveryId] = after;
            var result = after.LastDelivered is not null ? "delivered" : after.Abandoned == true ? "abandoned" : "failed";
            metrics?.Notifications.WithLabels(result).Inc();
            events.Add(after.LastDelivered is not null
                ? new PlannedEvent(EventTypes.Normal, EventReasons.NotificationDelivered, $"{due.Event} event {due.DeliveryId} delivered to spec.notify[{due.Target}] (attempt {after.Attempts})")
                : new PlannedEvent(EventTypes.Warning, EventReasons.NotificationFailed,
                    $"{due.Event} event {due.DeliveryId} to spec.notify[{due.Target}] failed (attempt {after.Attempts} of {settings.MaxAttempts}): {after.LastError}; "
                    + (after.NextAttempt is { } next ? $"retrying at {next:O}" : "abandoned")));
        }

        var now = time.GetUtcNow();
        var waits = records.Where(r => r.LastDelivered is null && r.Abandoned != true && r.NextAttempt is not null)
            .Select(r => r.NextAttempt!.Value - now).Select(w => w < TimeSpan.Zero ? TimeSpan.Zero : w).ToList();
        return new Outcome(records.Count > 0 ? records : null, events, waits.Count > 0 ? waits.Min() : null);
    }

    private async Task<(int? Code, string? Error)> PostAsync(FineTuneJob job, EffectiveSpec spec, FineTuneJobStatus status, NotifySpec target, NotificationStatus record,
        NotificationRetry settings, CancellationToken ct)
    {
        byte[]? key = null;
        if (target.SecretRef is { } secretRef)
        {
            var name = secretRef.Name ?? "";
            var k = string.IsNullOrEmpty(secretRef.Key) ? DefaultSecretKey : secretRef.Key;
            // A job whose Secret is not allowed is Failed (SpecInvalid) and would be notified of that: never read the Secret
            // for it, and never send unsigned what was meant to be signed.
            if (TrialPodPolicy.Check(job, options()).FirstOrDefault(e => e.Path == $"spec.notify[{record.Target}].secretRef.name") is { } refused)
            {
                return (null, $"{refused.Path}: {refused.Problem}; {refused.Fix}");
            }

            try
            {
                var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, job.Metadata.NamespaceProperty, cancellationToken: ct);
                if (secret.Data?.TryGetValue(k, out var bytes) != true || bytes is not { Length: > 0 })
                {
                    return (null, $"Secret {name} has no key {k} (spec.notify[{record.Target}].secretRef)");
                }

                key = bytes;
            }
            catch (HttpOperationException e)
            {
                return (null, $"reading Secret {name} for spec.notify[{record.Target}].secretRef: HTTP {(int)e.Response.StatusCode}");
            }
        }

        var now = time.GetUtcNow();
        var body = NotificationPayload.Body(job, spec, status, record, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var timestamp = now.ToUnixTimeSeconds();
        request.Headers.Add(NotificationPayload.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(NotificationPayload.DeliveryHeader, record.DeliveryId);
        request.Headers.Add(NotificationPayload.EventHeader, record.Event.ToString());
        if (key is not null)
        {
            request.Headers.Add(NotificationPayload.SignatureHeader, NotificationPolicy.Signature(key, timestamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return (code, code is >= 200 and < 300 ? null : response.ReasonPhrase);
        }
        catch (HttpRequestException e)
        {
            return (null, e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"no answer within {settings.Timeout.TotalSeconds:0.#} s");
        }
    }
}
