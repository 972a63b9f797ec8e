using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClusterTune.Api.Meta;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Operator.Planning;

/// <summary>
/// spec.notify decisions, pure: which events the job has reached, which deliveries are due, what an attempt's
/// outcome does to its record (delivered, retry after a backoff, or abandoned). Delivery ids are derived from the
/// job's uid, the target and the event, so an operator that restarts before it recorded a delivery sends the same id
/// again (at-least-once delivery; a receiver drops repeats by id) and never invents a second event.
/// </summary>
public static class NotificationPolicy
{
    /// <summary>The events <paramref name="status"/> has reached, in <see cref="NotifyEvent"/> order.</summary>
    public static IReadOnlyList<NotifyEvent> Reached(FineTuneJobStatus status)
    {
        var reached = new List<NotifyEvent>();
        if (status.Phase == FineTuneJobPhase.Succeeded)
        {
            reached.Add(NotifyEvent.Succeeded);
        }

        if (status.Phase == FineTuneJobPhase.Failed)
        {
            reached.Add(NotifyEvent.Failed);
        }

        if (Conditions.IsTrue(status.Conditions, ConditionTypes.BudgetExhausted))
        {
            reached.Add(NotifyEvent.BudgetExhausted);
        }

        return reached;
    }

    /// <summary>The records to keep and the deliveries due at <paramref name="now"/> for <paramref name="job"/> with status <paramref name="status"/>.</summary>
    /// <param name="job">The job (its spec.notify and uid).</param>
    /// <param name="status">The status this reconcile writes (its notifications as last read).</param>
    /// <param name="now">The current time.</param>
    /// <param name="later">Outcomes this process wrote that the status read may not show yet: a record with more attempts wins.</param>
    public static NotificationPlan Plan(FineTuneJob job, FineTuneJobStatus status, DateTimeOffset now, IReadOnlyDictionary<string, NotificationStatus>? later = null)
    {
        var targets = job.Spec?.Notify ?? [];
        var reached = Reached(status);
        var records = new List<NotificationStatus>();
        for (var i = 0; i < targets.Count; i++)
        {
            // A target the validator refuses (the job is then Failed) is never sent to.
            if (targets[i] is not { } target || !Uri.TryCreate(target.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                continue;
            }

            foreach (var e in target.On ?? [])
            {
                var kept = status.Notifications?.FirstOrDefault(r => r.Target == i && r.Url == target.Url && r.Event == e);
                if (kept is not null)
                {
                    records.Add(kept);
                }
                else if (reached.Contains(e))
                {
                    records.Add(new NotificationStatus
                    {
                        Target = i,
                        Url = target.Url,
                        Event = e,
                        DeliveryId = DeliveryId(job.Metadata.Uid ?? $"{job.Metadata.NamespaceProperty}/{job.Metadata.Name}", i, target.Url, e),
                        NextAttempt = now,
                    });
                }
            }
        }

        if (later is { Count: > 0 })
        {
            records = [.. records.Select(r => later.TryGetValue(r.DeliveryId, out var mine) && mine.Attempts > r.Attempts ? mine : r)];
        }

        var pending = records.Where(r => r.LastDelivered is null && r.Abandoned != true && r.NextAttempt is not null).ToList();
        var due = pending.Where(r => r.NextAttempt <= now).ToList();
        var waits = pending.Where(r => r.NextAttempt > now).Select(r => r.NextAttempt!.Value - now).ToList();
        return new NotificationPlan(records, due, waits.Count > 0 ? waits.Min() : null);
    }

    /// <summary>The delivery id of event <paramref name="e"/> to target <paramref name="target"/> of the job with <paramref name="uid"/>: the same on every attempt and every operator.</summary>
    public static string DeliveryId(string uid, int target, string url, NotifyEvent e)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{uid}\n{target}\n{url}\n{e}")));
        return Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Whether a POST that ended with <paramref name="statusCode"/> (null: no response — refused, reset, timed out) is worth repeating.</summary>
    public static bool Retryable(int? statusCode) => statusCode is null or 408 or 425 or 429 or >= 500;

    /// <summary>The record after an attempt at <paramref name="now"/> that ended with <paramref name="statusCode"/> (and <paramref name="error"/> when it failed).</summary>
    public static NotificationStatus AfterAttempt(NotificationStatus record, int? statusCode, string? error, DateTimeOffset now, NotificationRetry retry)
    {
        var attempts = record.Attempts + 1;
        var r = new NotificationStatus
        {
            Target = record.Target,
            Url = record.Url,
            Event = record.Event,
            DeliveryId = record.DeliveryId,
            Attempts = attempts,
            LastAttempt = now,
        };
        if (statusCode is >= 200 and < 300)
        {
            r.LastDelivered = now;
            return r;
        }

        r.LastError = Truncate(statusCode is { } code ? $"HTTP {code}{(string.IsNullOrEmpty(error) ? "" : ": " + error)}" : error ?? "no response");
        if (Retryable(statusCode) && attempts < retry.MaxAttempts)
        {
            r.NextAttempt = now + retry.Backoff(attempts);
        }
        else
        {
            r.Abandoned = true;
        }

        return r;
    }

    /// <summary>The headers' signature of <paramref name="body"/> sent at <paramref name="unixSeconds"/>: "sha256=" + hex HMAC-SHA256 over "&lt;timestamp&gt;.&lt;body&gt;".</summary>
    public static string Signature(byte[] key, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, message));
    }

    private static string Truncate(string s) => s.Length <= 256 ? s : s[..256] + "…";
}
