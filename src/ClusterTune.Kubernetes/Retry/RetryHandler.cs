using System.Net;

namespace ClusterTune.Kubernetes.Retry;

/// <summary>
/// KubernetesClient sends each request once; this handler in its pipeline adds <see cref="RetryPolicy"/>: a
/// per-attempt timeout and retries with backoff, honouring Retry-After (watches, which stay open by design, get
/// neither). A request is idempotent when repeating it cannot apply twice: reads, deletes, PUT and merge patches,
/// a create with a fixed name (a repeat gets 409 AlreadyExists) and a JSON patch with a test op (a repeat gets 422).
/// A generateName create or a JSON patch without a test is not.
/// </summary>
public sealed class RetryHandler(RetryOptions options, TimeSpan requestTimeout, TimeProvider? time = null, Random? random = null) : DelegatingHandler
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Random _random = random ?? Random.Shared;
    private long _attempts;

    /// <summary>Attempts sent so far (the first try of each request plus its retries).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var watch = request.RequestUri?.Query.Contains("watch=true", StringComparison.OrdinalIgnoreCase) == true;
        // The body must be re-sendable: buffer it once; a retry sends a fresh copy with the same headers.
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        bool? idempotent = null; // decided on the first failure: a request that succeeds never parses its body for it
        var contentHeaders = request.Content?.Headers.ToList();
        for (var attempt = 0; ; attempt++)
        {
            if (attempt > 0 && body is not null)
            {
                request.Content = new ByteArrayContent(body);
                foreach (var (k, v) in contentHeaders!)
                {
                    request.Content.Headers.TryAddWithoutValidation(k, v);
                }
            }

            HttpResponseMessage? response = null;
            Failure failure;
            Exception? error = null;
            using (var timer = watch ? new CancellationTokenSource() : new CancellationTokenSource(requestTimeout, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token))
            {
                Interlocked.Increment(ref _attempts);
                try
                {
                    response = await base.SendAsync(request, linked.Token).ConfigureAwait(false);
                    failure = Failure.HttpStatus;
                }
                catch (HttpRequestException e) when (!ct.IsCancellationRequested)
                {
                    failure = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                        ? Failure.NotSent
                        : Failure.MaybeProcessed;
                    error = e;
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    failure = Failure.MaybeProcessed;
                    error = new TimeoutException(
                        $"{request.Method} {request.RequestUri?.AbsolutePath}: no response within {requestTimeout.TotalSeconds:0.#} s", e);
                }
            }

            // Watches are not retried here: the informer owns their reconnects (from the last version, with its own
            // backoff and counters); a silent retry would hide a dropped watch from it.
            if (response is { IsSuccessStatusCode: true } || (watch && response is not null))
            {
                return response;
            }

            if (watch)
            {
                throw error!;
            }

            var status = response is null ? 0 : (int)response.StatusCode;
            var retryAfter = response?.Headers.TryGetValues("Retry-After", out var values) == true
                ? RetryAfter.Parse(values.FirstOrDefault(), _time.GetUtcNow())
                : null;
            double jitter;
            lock (_random)
            {
                jitter = _random.NextDouble();
            }

            idempotent ??= IsIdempotent(request.Method, request.Content?.Headers.ContentType?.MediaType, body);
            var decision = RetryPolicy.Decide(options, attempt, failure, status, retryAfter, idempotent.Value, jitter);
            if (!decision.Retry)
            {
                if (response is not null)
                {
                    return response; // KubernetesClient turns it into HttpOperationException with the Status body
                }

                throw error!;
            }
            response?.Dispose();
            await Task.Delay(decision.Delay, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Whether sending the request twice has the effect of sending it once (see the class summary).</summary>
    public static bool IsIdempotent(HttpMethod method, string? mediaType, byte[]? body)
    {
        if (method == HttpMethod.Post)
        {
            return body is not null && HasFixedName(body);
        }

        if (method == HttpMethod.Patch && mediaType == "application/json-patch+json")
        {
            return body is not null && System.Text.Encoding.UTF8.GetString(body).Contains("\"op\":\"test\"", StringComparison.Ordinal);
        }

        return true;
    }

    private static bool HasFixedName(byte[] body)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return doc.RootElement.TryGetProperty("metadata", out var m) && m.ValueKind == System.Text.Json.JsonValueKind.Object &&
                   m.TryGetProperty("name", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String && n.GetString()!.Length > 0;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
