using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Prometheus;
using ClusterTune.Telemetry.Tests.Support;
using static ClusterTune.Telemetry.Tests.Support.Pb;

namespace ClusterTune.Telemetry.Tests.Ingestion;

/// <summary>
/// Issue 13 acceptance: a generated corpus of hostile OTLP payloads sent to the real receiver over HTTP. Each gets a
/// 4xx with a message saying what is wrong, never a 5xx, and the receiver serves a good request right after each.
/// </summary>
public sealed class OtlpBadInputCorpusTests : IAsyncLifetime
{
    private static readonly TrialKey T = new("ns", "job", "job-t1");
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";
    private readonly RecordingSink _sink = new();
    private readonly InMemoryTrialTokenValidator _validator = new();
    private ReceiverHost _host = null!;
    private HttpClient _http = null!;

    /// <summary>A hostile payload: what it is, its bytes, content type and encoding, and words the answer must contain.</summary>
    public sealed record Payload(string Name, byte[] Body, string ContentType, string? Encoding, HttpStatusCode Expected, string MessageContains)
    {
        public override string ToString() => Name;
    }

    public async Task InitializeAsync()
    {
        _validator.Register(T, "secret");
        var registry = new MetricRegistry();
        var receiver = new OtlpMetricsReceiver(_validator, _sink,
            new OtlpReceiverOptions { MaxRequestBodyBytes = 64 * 1024, MaxDecompressedBodyBytes = 256 * 1024 }, new ClusterTuneMetrics(registry));
        _host = await ReceiverHost.StartAsync(receiver, registry);
        _http = new HttpClient { BaseAddress = _host.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    private static byte[] Good() => TrialRequest(T, Gauge("clustertune.train.loss", DoublePoint(1, 0.5)));

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.SmallestSize))
        {
            gz.Write(data);
        }

        return ms.ToArray();
    }

    // An AnyValue nested `depth` times through kvlist_value (field 6 → KeyValueList.values → KeyValue.value).
    private static byte[] NestedAnyValue(int depth)
    {
        var value = Str(1, "leaf");
        for (var i = 0; i < depth; i++)
        {
            value = Len(6, Len(1, KeyValueAny("k", value)));
        }

        return value;
    }

    private static string JsonRequest(string dataPoint) =>
        """{"resourceMetrics":[{"resource":{"attributes":[{"key":"k8s.namespace.name","value":{"stringValue":"ns"}},{"key":"clustertune.job.name","value":{"stringValue":"job"}},{"key":"clustertune.trial.id","value":{"stringValue":"job-t1"}}]},"scopeMetrics":[{"metrics":[{"name":"clustertune.train.loss","gauge":{"dataPoints":[""" + dataPoint + "]}}]}]}]}";

    /// <summary>The corpus, generated: every family of hostile input × its variants.</summary>
    public static IEnumerable<Payload> Corpus()
    {
        var good = Good();
        // Truncated anywhere inside the outer length-delimited field.
        for (var k = 1; k <= 12; k++)
        {
            var cut = 3 + (good.Length - 4) * k / 13;
            yield return new($"truncated at {cut}/{good.Length}", good[..cut], Protobuf, null, HttpStatusCode.BadRequest, "offset");
        }
        // The request's field 1 (ResourceMetrics, a message) with every other wire type.
        foreach (var wire in new[] { 0, 1, 3, 4, 5, 6, 7 })
        {
            yield return new($"resourceMetrics with wire type {wire}", Cat(Tag(1, wire), RawVarint(1), new byte[8]), Protobuf, null, HttpStatusCode.BadRequest, "offset");
        }
        // Lengths and varints that claim more than there is.
        foreach (var claim in new ulong[] { 1UL << 31, 1UL << 32, long.MaxValue, ulong.MaxValue, (ulong)good.Length + 1 })
        {
            yield return new($"length {claim}", Cat(Tag(1, 2), RawVarint(claim), good[2..]), Protobuf, null, HttpStatusCode.BadRequest, "offset");
        }

        yield return new("varint of 11 bytes", Cat(Tag(1, 0), Enumerable.Repeat((byte)0xFF, 10).ToArray(), [0x01]), Protobuf, null, HttpStatusCode.BadRequest, "varint");
        yield return new("field number 0", Cat(Tag(0, 2), RawVarint(0)), Protobuf, null, HttpStatusCode.BadRequest, "offset");
        yield return new("point count 10^6 claimed, 1 sent", TrialRequest(T, Metric("g", "1", 5, Cat(Tag(1, 2), RawVarint(1_000_000), DoublePoint(1, 1)))), Protobuf, null, HttpStatusCode.BadRequest, "offset");
        yield return new("invalid UTF-8 metric name", TrialRequest(T, Metric("x", "1", 5, Len(1, DoublePoint(1, 1))).Select(b => b == (byte)'x' ? (byte)0xC3 : b).ToArray()), Protobuf, null, HttpStatusCode.BadRequest, "UTF-8");
        // AnyValue nesting that a recursive decoder would follow until the stack overflows.
        foreach (var depth in new[] { 17, 100, 4000 })
        {
            yield return new($"attribute nested {depth} deep", Request(ResourceMetrics(Len(1, Len(1, KeyValueAny("deep", NestedAnyValue(depth)))))), Protobuf, null, HttpStatusCode.BadRequest, "deep");
        }
        // Content types the receiver does not speak.
        foreach (var type in new[] { "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/octet-stream", "application/grpc", "application/x-www-form-urlencoded" })
        {
            yield return new($"content type {type}", good, type, null, HttpStatusCode.UnsupportedMediaType, "application/x-protobuf");
        }

        foreach (var encoding in new[] { "br", "deflate", "compress", "zstd" })
        {
            yield return new($"content encoding {encoding}", good, Protobuf, encoding, HttpStatusCode.UnsupportedMediaType, "gzip");
        }
        // Gzip bombs and broken gzip.
        yield return new("gzip bomb of 10 MB zeros", Gzip(new byte[10 << 20]), Protobuf, "gzip", HttpStatusCode.RequestEntityTooLarge, "decompressed");
        yield return new("gzip bomb as json", Gzip(new byte[10 << 20]), Json, "gzip", HttpStatusCode.RequestEntityTooLarge, "decompressed");
        yield return new("gzip of gzip", Gzip(Gzip(good)), Protobuf, "gzip", HttpStatusCode.BadRequest, "offset");
        yield return new("gzip header only", Gzip(good)[..10], Protobuf, "gzip", HttpStatusCode.BadRequest, "gzip");
        yield return new("gzip without its trailer", Gzip(good)[..^8], Protobuf, "gzip", HttpStatusCode.BadRequest, "gzip");
        yield return new("not gzip at all", good, Protobuf, "gzip", HttpStatusCode.BadRequest, "gzip");
        yield return new("body over the cap", new byte[65 * 1024], Protobuf, null, HttpStatusCode.RequestEntityTooLarge, "exceeds the limit");
        // JSON: malformed, wrong types, non-finite numbers, deep nesting.
        foreach (var (name, json) in new[]
        {
            ("json truncated", JsonRequest("""{"timeUnixNano":"1","asDouble":1}""")[..60]),
            ("json NaN literal", JsonRequest("""{"timeUnixNano":"1","asDouble":NaN}""")),
            ("json Infinity literal", JsonRequest("""{"timeUnixNano":"1","asDouble":Infinity}""")),
            ("json resourceMetrics is a number", """{"resourceMetrics":5}"""),
            ("json resourceMetrics is a string", """{"resourceMetrics":"all"}"""),
            ("json asDouble is text", JsonRequest("""{"timeUnixNano":"1","asDouble":"abc"}""")),
            ("json asInt is 2^70", JsonRequest("""{"timeUnixNano":"1","asInt":"1180591620717411303424"}""")),
            ("json timeUnixNano negative", JsonRequest("""{"timeUnixNano":"-1","asDouble":1}""")),
            ("json timeUnixNano is an object", JsonRequest("""{"timeUnixNano":{},"asDouble":1}""")),
            ("json dataPoints is an object", JsonRequest("").Replace("\"dataPoints\":[]", "\"dataPoints\":{}")),
            ("json nested 10000 arrays", new string('[', 10_000) + new string(']', 10_000)),
            ("json top level array", "[]"),
            ("json invalid UTF-8", "{\"resourceMetrics\":[{\"x\":\"\xC3\x28\"}]"),
        })
        {
            yield return new(name, name.EndsWith("UTF-8", StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(json) : Utf8(json), Json, null, HttpStatusCode.BadRequest, "");
        }

        yield return new("json attribute nested 40 deep", Utf8(JsonRequest("{\"timeUnixNano\":\"1\",\"asDouble\":1,\"attributes\":[{\"key\":\"d\",\"value\":" +
            string.Concat(Enumerable.Repeat("{\"kvlistValue\":{\"values\":[{\"key\":\"k\",\"value\":", 40)) + "{\"stringValue\":\"x\"}" + string.Concat(Enumerable.Repeat("}]}}", 40)) + "}]}")),
            Json, null, HttpStatusCode.BadRequest, "invalid OTLP JSON");
    }

    public static TheoryData<Payload> Cases()
    {
        var data = new TheoryData<Payload>();
        foreach (var p in Corpus())
        {
            data.Add(p);
        }

        return data;
    }

    [Fact]
    public void The_corpus_has_at_least_50_payloads() => Assert.InRange(Corpus().Count(), 50, 1000);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_payload_gets_a_4xx_with_a_clear_message_and_the_receiver_serves_on(Payload p)
    {
        var resp = await PostAsync(p.Body, p.ContentType, p.Encoding);
        var body = await resp.Content.ReadAsByteArrayAsync();
        var message = resp.Content.Headers.ContentType?.MediaType == Json
            ? JsonDocument.Parse(body).RootElement.GetProperty("message").GetString()!
            : ReadStatus(body).Message;

        Assert.True(p.Expected == resp.StatusCode, $"{p.Name}: expected {(int)p.Expected}, got {(int)resp.StatusCode}: {message}");
        Assert.True(message.Length > 10, $"{p.Name}: the message '{message}' says nothing");
        Assert.Contains(p.MessageContains, message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_sink.Records);

        var good = await PostAsync(Good(), Protobuf, null);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Single(_sink.Records);
    }

    private Task<HttpResponseMessage> PostAsync(byte[] body, string contentType, string? encoding)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }

        var req = new HttpRequestMessage(HttpMethod.Post, OtlpReceiverOptions.DefaultPath) { Content = content };
        req.Headers.Add("x-clustertune-token", "secret");
        return _http.SendAsync(req);
    }
}
