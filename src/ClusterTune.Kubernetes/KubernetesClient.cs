using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api.Meta;
using ClusterTune.Kubernetes.Models;
using ClusterTune.Kubernetes.Patching;
using ClusterTune.Kubernetes.Retry;
using ClusterTune.Kubernetes.Serialization;

namespace ClusterTune.Kubernetes;

/// <summary>
/// A typed Kubernetes REST client over HttpClient: get, list, watch, create, delete, merge/JSON patch, /status,
/// pods/binding and pods/log. Core objects are never PUT (their models are partial); see <see cref="RetryPolicy"/>
/// for which failures are retried.
/// </summary>
public sealed class KubernetesClient : IDisposable
{
    private const string MergePatchType = "application/merge-patch+json";
    private const string JsonPatchType = "application/json-patch+json";
    private readonly HttpClient _http;
    private readonly string _baseUrl;

    public KubernetesClient(KubernetesClientOptions options)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        HttpMessageHandler handler = CreateTransport(options);
        if (options.WrapHandler is not null)
            handler = options.WrapHandler(handler);
        // Per-attempt timeouts are applied by SendAsync; an HttpClient timeout would kill long watches.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _baseUrl = options.Server.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public KubernetesClientOptions Options { get; }

    public ResourceRegistry Registry => Options.Registry;

    /// <summary>The namespace used when a call names none.</summary>
    public string DefaultNamespace => Options.Namespace;

    /// <summary>Number of HTTP attempts sent (including retries); for benches and tests.</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    private long _attempts;

    // ---------------------------------------------------------------- reads

    /// <summary>GETs one object; throws <see cref="NotFoundException"/> when absent.</summary>
    public async Task<T> GetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class
    {
        var info = Registry.Get<T>();
        var path = info.ObjectPath(Ns(info, @namespace), name);
        using var resp = await SendAsync(HttpMethod.Get, path, null, idempotent: true, streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(resp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GETs one object, or null when it does not exist.</summary>
    public async Task<T?> TryGetAsync<T>(string name, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class
    {
        try
        {
            return await GetAsync<T>(name, @namespace, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>Lists one page; <paramref name="namespace"/> null lists across all namespaces.</summary>
    public async Task<KubernetesList<T>> ListAsync<T>(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class
    {
        var info = Registry.Get<T>();
        var q = new Query()
            .Add("labelSelector", options?.LabelSelector)
            .Add("fieldSelector", options?.FieldSelector)
            .Add("limit", options?.Limit)
            .Add("continue", options?.Continue)
            .Add("resourceVersion", options?.ResourceVersion)
            .Add("resourceVersionMatch", options?.ResourceVersionMatch)
            .Add("timeoutSeconds", options?.TimeoutSeconds);
        var path = info.CollectionPath(info.Namespaced ? @namespace : null) + q;
        using var resp = await SendAsync(HttpMethod.Get, path, null, idempotent: true, streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<KubernetesList<T>>(resp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lists every page (following continue tokens) and returns all items with the first page's list
    /// resourceVersion, which is the snapshot to start a watch from. A 410 on a later page restarts the list.
    /// </summary>
    public async Task<KubernetesList<T>> ListAllAsync<T>(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
        where T : class
    {
        options ??= new ListOptions();
        for (var restarts = 0; ; restarts++)
        {
            var all = new KubernetesList<T>();
            var page = options with { Continue = null };
            try
            {
                while (true)
                {
                    var list = await ListAsync<T>(@namespace, page, cancellationToken).ConfigureAwait(false);
                    all.ApiVersion ??= list.ApiVersion;
                    all.Kind ??= list.Kind;
                    all.Metadata.ResourceVersion ??= list.Metadata.ResourceVersion;
                    all.Items.AddRange(list.Items);
                    if (string.IsNullOrEmpty(list.Metadata.Continue))
                        return all;
                    // A continue token carries its own snapshot; resourceVersion with continue is a 400.
                    page = page with { Continue = list.Metadata.Continue, ResourceVersion = null, ResourceVersionMatch = null };
                }
            }
            catch (GoneException) when (page.Continue is not null && restarts < 3)
            {
                // The continue token expired mid-list: start over with a fresh consistent read.
                options = options with { ResourceVersion = null, ResourceVersionMatch = null };
            }
        }
    }

    /// <summary>
    /// Watches a collection as a stream of typed events. The stream ends normally when the server closes it
    /// (timeoutSeconds); an expired resourceVersion arrives as an ERROR event (<see cref="WatchEvent{T}.IsExpired"/>)
    /// or, from some servers, as a <see cref="GoneException"/>. Connection drops surface as exceptions.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(string? @namespace, WatchOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : class
    {
        options ??= new WatchOptions();
        var info = Registry.Get<T>();
        var q = new Query()
            .Add("watch", "true")
            .Add("resourceVersion", options.ResourceVersion)
            .Add("allowWatchBookmarks", options.AllowWatchBookmarks ? "true" : null)
            .Add("timeoutSeconds", options.TimeoutSeconds)
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector);
        var path = info.CollectionPath(info.Namespaced ? @namespace : null) + q;
        // Guard against a half-open connection: give up a while after the server should have closed the stream.
        using var idleTimer = new CancellationTokenSource(TimeSpan.FromSeconds((options.TimeoutSeconds ?? 1800) * 2 + 30), Options.TimeProvider);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idleTimer.Token);
        using var resp = await SendAsync(HttpMethod.Get, path, null, idempotent: true, streaming: true, idle.Token).ConfigureAwait(false);
        await using var stream = await resp.Content.ReadAsStreamAsync(idle.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Watch {path} stayed open past its timeout with no end of stream; treating the connection as dead.");
            }
            if (line is null)
                yield break;
            if (line.Length == 0)
                continue;
            yield return ParseWatchLine<T>(line);
        }
    }

    internal static WatchEvent<T> ParseWatchLine<T>(string line) where T : class
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        var typeText = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        var type = typeText switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new JsonException($"Unknown watch event type '{typeText}' in: {Truncate(line)}"),
        };
        if (!root.TryGetProperty("object", out var obj))
            throw new JsonException($"Watch event without an object: {Truncate(line)}");
        return type == WatchEventType.Error
            ? new WatchEvent<T>(type, null, obj.Deserialize<Status>(KubernetesJson.Options))
            : new WatchEvent<T>(type, obj.Deserialize<T>(KubernetesJson.Options), null);
    }

    // ---------------------------------------------------------------- writes

    /// <summary>
    /// POSTs a new object into its metadata.namespace (or the default). Retried on transient errors only when the
    /// name is fixed (a repeat then gives 409 AlreadyExists); never with generateName.
    /// </summary>
    public async Task<T> CreateAsync<T>(T obj, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        var info = Registry.Get<T>();
        FillTypeMeta(obj, info);
        var ns = info.Namespaced ? obj.Metadata.Namespace ?? DefaultNamespace : null;
        var path = info.CollectionPath(ns) + WriteQuery();
        var body = KubernetesJson.Serialize(obj);
        using var resp = await SendAsync(HttpMethod.Post, path, () => Json(body, "application/json"),
            idempotent: !string.IsNullOrEmpty(obj.Metadata.Name), streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(resp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// DELETEs an object. Returns the object as the server sent it back (deletionTimestamp set: finalizers or a
    /// grace period may keep it, or it is already gone, e.g. an unbound pod), or null when the server answered with
    /// a Success Status. A retried delete can report NotFound: treat that as done.
    /// </summary>
    public async Task<T?> DeleteAsync<T>(string name, string? @namespace = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : class
    {
        var info = Registry.Get<T>();
        var path = info.ObjectPath(Ns(info, @namespace), name);
        var body = options is null ? null : KubernetesJson.Serialize(options);
        using var resp = await SendAsync(HttpMethod.Delete, path, body is null ? null : () => Json(body, "application/json"),
            idempotent: true, streaming: false, cancellationToken).ConfigureAwait(false);
        var text = await resp.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var node = JsonNode.Parse(text);
        if (node is JsonObject o && (string?)o["kind"] == "Status")
            return null;
        return node.Deserialize<T>(KubernetesJson.Options);
    }

    /// <summary>
    /// Applies a JSON merge patch (RFC 7386: null deletes, lists replace whole). Put metadata.resourceVersion in
    /// the patch (<see cref="MergePatch.WithResourceVersion"/>) to make it conditional: a stale one gives 409.
    /// </summary>
    public Task<T> MergePatchAsync<T>(string name, JsonNode patch, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class =>
        PatchAsync<T>(name, @namespace, null, patch.ToJsonString(), MergePatchType, MergePatch.HasResourceVersion(patch), cancellationToken);

    /// <summary>Merge-patches the /status subresource (spec changes in the patch are ignored by the server).</summary>
    public Task<T> PatchStatusAsync<T>(string name, JsonNode patch, string? @namespace = null, CancellationToken cancellationToken = default)
        where T : class =>
        PatchAsync<T>(name, @namespace, "status", patch.ToJsonString(), MergePatchType, MergePatch.HasResourceVersion(patch), cancellationToken);

    /// <summary>Applies an RFC 6902 JSON patch; a failed <c>test</c> op gives <see cref="InvalidException"/> (422).</summary>
    public Task<T> JsonPatchAsync<T>(string name, JsonPatch patch, string? @namespace = null, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class =>
        PatchAsync<T>(name, @namespace, subresource, patch.ToString(), JsonPatchType, patch.HasTest, cancellationToken);

    /// <summary>
    /// PUTs a complete object with its resourceVersion (409 when stale). Only for types registered with
    /// FullyModelled (ClusterTune's own CRDs): a PUT of a partial model would erase fields it does not know.
    /// </summary>
    public async Task<T> ReplaceAsync<T>(T obj, string? subresource = null, CancellationToken cancellationToken = default)
        where T : class, IKubernetesObject
    {
        var info = Registry.Get<T>();
        if (!info.FullyModelled)
            throw new InvalidOperationException(
                $"{info.Kind} is only partially modelled, so a PUT would drop fields the model does not know: use MergePatchAsync or JsonPatchAsync instead.");
        if (string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
            throw new ArgumentException($"Replacing {info.Kind} '{obj.Metadata.Name}' needs metadata.resourceVersion from the object you read (no unconditional updates).", nameof(obj));
        FillTypeMeta(obj, info);
        var path = info.ObjectPath(Ns(info, obj.Metadata.Namespace), obj.Metadata.Name ?? "", subresource) + WriteQuery();
        var body = KubernetesJson.Serialize(obj);
        using var resp = await SendAsync(HttpMethod.Put, path, () => Json(body, "application/json"), idempotent: true, streaming: false, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(resp, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Binds a pending pod to a node (POST pods/NAME/binding), as a scheduler does.</summary>
    public async Task BindPodAsync(string podName, string @namespace, string nodeName, CancellationToken cancellationToken = default)
    {
        var info = Registry.Get<Pod>();
        var binding = new Binding
        {
            Metadata = new ObjectMeta { Name = podName, Namespace = @namespace },
            Target = new ObjectReference { ApiVersion = "v1", Kind = "Node", Name = nodeName },
        };
        var body = KubernetesJson.Serialize(binding);
        var path = info.ObjectPath(@namespace, podName, "binding") + WriteQuery();
        // A repeated binding gives 409 "already assigned", never a second binding.
        using var resp = await SendAsync(HttpMethod.Post, path, () => Json(body, "application/json"), idempotent: true, streaming: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a container's log (pods/NAME/log) as text.</summary>
    public async Task<string> ReadPodLogAsync(string podName, string? @namespace = null, PodLogOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (options?.Follow == true)
            throw new ArgumentException("ReadPodLogAsync returns the whole log; use StreamPodLogAsync for follow=true.", nameof(options));
        using var resp = await SendAsync(HttpMethod.Get, PodLogPath(podName, @namespace, options), null, idempotent: true, streaming: false, cancellationToken).ConfigureAwait(false);
        return await resp.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a container's log as a stream (use Follow = true to keep it open while the container runs).</summary>
    public async Task<Stream> StreamPodLogAsync(string podName, string? @namespace = null, PodLogOptions? options = null, CancellationToken cancellationToken = default)
    {
        var resp = await SendAsync(HttpMethod.Get, PodLogPath(podName, @namespace, options), null, idempotent: true, streaming: true, cancellationToken).ConfigureAwait(false);
        return new ResponseStream(resp, await resp.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
    }

    public void Dispose() => _http.Dispose();

    // ---------------------------------------------------------------- plumbing

    private string PodLogPath(string podName, string? @namespace, PodLogOptions? o)
    {
        var info = Registry.Get<Pod>();
        var q = new Query()
            .Add("container", o?.Container)
            .Add("tailLines", o?.TailLines)
            .Add("follow", o?.Follow == true ? "true" : null)
            .Add("previous", o?.Previous == true ? "true" : null)
            .Add("limitBytes", o?.LimitBytes);
        return info.ObjectPath(Ns(info, @namespace), podName, "log") + q;
    }

    private async Task<T> PatchAsync<T>(string name, string? @namespace, string? subresource, string body, string contentType, bool idempotent, CancellationToken ct)
        where T : class
    {
        var info = Registry.Get<T>();
        var path = info.ObjectPath(Ns(info, @namespace), name, subresource) + WriteQuery();
        using var resp = await SendAsync(HttpMethod.Patch, path, () => Json(body, contentType), idempotent, streaming: false, ct).ConfigureAwait(false);
        return await ReadAsync<T>(resp, ct).ConfigureAwait(false);
    }

    private string? Ns(ResourceInfo info, string? @namespace) => info.Namespaced ? @namespace ?? DefaultNamespace : null;

    private Query WriteQuery() => new Query().Add("fieldManager", Options.FieldManager);

    private static void FillTypeMeta(IKubernetesObject obj, ResourceInfo info)
    {
        if (string.IsNullOrEmpty(obj.ApiVersion))
            obj.ApiVersion = info.ApiVersion;
        if (string.IsNullOrEmpty(obj.Kind))
            obj.Kind = info.Kind;
    }

    private static HttpContent Json(string body, string contentType)
    {
        var c = new StringContent(body, Encoding.UTF8);
        c.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return c;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage resp, CancellationToken ct)
    {
        await using var s = await resp.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        return await JsonSerializer.DeserializeAsync<T>(s, KubernetesJson.Options, ct).ConfigureAwait(false)
               ?? throw new JsonException($"The server returned JSON null for a {typeof(T).Name}.");
    }

    /// <summary>Sends with auth, per-attempt timeout and the retry rule; returns only successful responses.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, Func<HttpContent>? content,
        bool idempotent, bool streaming, CancellationToken ct)
    {
        var tokenRefreshed = false;
        var time = Options.TimeProvider;
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, _baseUrl + pathAndQuery);
            request.Headers.UserAgent.ParseAdd(Options.UserAgent);
            request.Headers.Accept.ParseAdd("application/json");
            if (Options.Token is not null && await Options.Token.GetTokenAsync(false, ct).ConfigureAwait(false) is { Length: > 0 } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            else if (Options.BasicAuth is { } basic)
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(basic.User + ":" + basic.Password)));
            if (content is not null)
                request.Content = content();

            HttpResponseMessage? response = null;
            Failure failure;
            string failureText;
            Exception? failureException = null;
            using (var attemptTimer = new CancellationTokenSource(Options.RequestTimeout, time))
            using (var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(ct, attemptTimer.Token))
            {
                Interlocked.Increment(ref _attempts);
                try
                {
                    response = await _http.SendAsync(request,
                        streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                        attemptCts.Token).ConfigureAwait(false);
                    failure = Failure.HttpStatus;
                    failureText = "";
                }
                catch (HttpRequestException e) when (!ct.IsCancellationRequested)
                {
                    failure = e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                        ? Failure.NotSent
                        : Failure.MaybeProcessed;
                    failureText = e.Message;
                    failureException = e;
                }
                catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
                {
                    failure = Failure.MaybeProcessed;
                    failureText = $"no response within {Options.RequestTimeout.TotalSeconds:0.#} s";
                    failureException = new TimeoutException($"{method} {pathAndQuery}: {failureText}", e);
                }
            }

            if (response is not null)
            {
                if (response.IsSuccessStatusCode)
                    return response;
                if (response.StatusCode == HttpStatusCode.Unauthorized && Options.Token is not null && !tokenRefreshed)
                {
                    // A rotated service-account token: re-read it once and retry.
                    response.Dispose();
                    tokenRefreshed = true;
                    await Options.Token.GetTokenAsync(true, ct).ConfigureAwait(false);
                    attempt--;
                    continue;
                }
            }

            var status = response is null ? 0 : (int)response.StatusCode;
            var retryAfter = response?.Headers.TryGetValues("Retry-After", out var values) == true
                ? RetryAfter.Parse(values.FirstOrDefault(), time.GetUtcNow())
                : null;
            double jitter;
            lock (Options.Random)
                jitter = Options.Random.NextDouble();
            var decision = RetryPolicy.Decide(Options.Retry, attempt, failure, status, retryAfter, idempotent, jitter);
            if (!decision.Retry)
            {
                if (response is null)
                    throw failureException is TimeoutException te ? te : new HttpRequestException($"{method} {pathAndQuery} failed: {failureText}", failureException);
                using (response)
                    throw await ToExceptionAsync(response, method.Method, pathAndQuery, ct).ConfigureAwait(false);
            }
            response?.Dispose();
            await Task.Delay(decision.Delay, time, ct).ConfigureAwait(false);
        }
    }

    private static async Task<KubernetesApiException> ToExceptionAsync(HttpResponseMessage response, string method, string path, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        Status? status = null;
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                var parsed = JsonSerializer.Deserialize<Status>(text, KubernetesJson.Options);
                if (parsed is not null && parsed.Kind == "Status")
                    status = parsed;
            }
        }
        catch (JsonException)
        {
            // Not a Status body (a proxy's error page); synthesized below.
        }
        status ??= new Status
        {
            Outcome = "Failure",
            Code = (int)response.StatusCode,
            Reason = response.StatusCode.ToString(),
            Message = Truncate(text),
        };
        if (status.Code == 0)
            status.Code = (int)response.StatusCode;
        return KubernetesApiException.Create(response.StatusCode, status, method, path);
    }

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";

    private static SocketsHttpHandler CreateTransport(KubernetesClientOptions o)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 64,
        };
        if (o.ClientCertificate is not null)
            handler.SslOptions.ClientCertificates = new X509CertificateCollection { o.ClientCertificate };
        if (o.InsecureSkipTlsVerify)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (o.CertificateAuthority is { Count: > 0 } ca)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                    return true;
                if (cert is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                    return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
            };
        }
        return handler;
    }

    /// <summary>Builds a query string, skipping null values.</summary>
    private sealed class Query
    {
        private readonly StringBuilder _sb = new();

        public Query Add(string key, string? value)
        {
            if (value is null)
                return this;
            _sb.Append(_sb.Length == 0 ? '?' : '&').Append(key).Append('=').Append(Uri.EscapeDataString(value));
            return this;
        }

        public Query Add(string key, int? value) => value is null ? this : Add(key, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public override string ToString() => _sb.ToString();
    }

    /// <summary>Disposes the response together with its body stream.</summary>
    private sealed class ResponseStream(HttpResponseMessage response, Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
