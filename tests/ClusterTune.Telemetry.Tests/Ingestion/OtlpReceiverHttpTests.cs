using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClusterTune.Telemetry.Catalog;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Otlp;
using ClusterTune.Telemetry.Prometheus;
using ClusterTune.Telemetry.Tests.Support;
using static ClusterTune.Telemetry.Tests.Support.Pb;

namespace ClusterTune.Telemetry.Tests.Ingestion;

/// <summary>The receiver behind real Kestrel on loopback, driven over HTTP.</summary>
public sealed class OtlpReceiverHttpTests : IAsyncLifetime
{
    private static readonly TrialKey T = new("ns", "job", "job-t1");
    private readonly RecordingSink _sink = new();
    private readonly InMemoryTrialTokenValidator _validator = new();
    private readonly MetricRegistry _registry = new();
    private ReceiverHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _validator.Register(T, "secret");
        var metrics = new ClusterTuneMetrics(_registry);
        var receiver = new OtlpMetricsReceiver(_validator, _sink,
            new OtlpReceiverOptions { MaxRequestBodyBytes = 64 * 1024, MaxDecompressedBodyBytes = 256 * 1024 }, metrics);
        _host = await ReceiverHost.StartAsync(receiver, _registry);
        _http = new HttpClient { BaseAddress = _host.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    private static byte[] Body(int points = 1) =>
        TrialRequest(T, Gauge("clustertune.train.loss", Enumerable.Range(1, points).Select(i => DoublePoint((ulong)i, 0.5)).ToArray()));

    private Task<HttpResponseMessage> Post(byte[] body, string contentType = "application/x-protobuf", string? token = "secret", string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        var req = new HttpRequestMessage(HttpMethod.Post, "/v1/metrics") { Content = content };
        if (token is not null)
        {
            req.Headers.Add("x-clustertune-token", token);
        }
        return _http.SendAsync(req);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest))
        {
            gz.Write(data);
        }
        return ms.ToArray();
    }

    /// <summary>ExportMetricsServiceResponse{partial_success = 1 {rejected_data_points = 1, error_message = 2}}.</summary>
    private static (long Rejected, string Message) ReadPartialSuccess(byte[] bytes)
    {
        var r = new ProtoReader(bytes, 0, "ExportMetricsServiceResponse");
        Assert.Equal((1, 2), r.ReadTag());
        var inner = new ProtoReader(r.ReadBytes(out long at), at, "ExportMetricsPartialSuccess");
        Assert.True(r.End);
        long rejected = 0;
        string message = "";
        while (!inner.End)
        {
            var (f, w) = inner.ReadTag();
            if (f == 1 && w == 0)
            {
                rejected = (long)inner.ReadVarint();
            }
            else if (f == 2 && w == 2)
            {
                message = inner.ReadString();
            }
            else
            {
                throw new InvalidDataException($"unexpected field {f}");
            }
        }
        return (rejected, message);
    }

    [Fact]
    public async Task Protobuf_success_is_200_with_an_empty_response_message()
    {
        var resp = await Post(Body(3));
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("application/x-protobuf", resp.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, _sink.Records.Count);
    }

    [Fact]
    public async Task Json_success_answers_json()
    {
        string json = """
            {"resourceMetrics":[{"resource":{"attributes":[
              {"key":"k8s.namespace.name","value":{"stringValue":"ns"}},
              {"key":"clustertune.job.name","value":{"stringValue":"job"}},
              {"key":"clustertune.trial.id","value":{"stringValue":"job-t1"}}]},
             "scopeMetrics":[{"metrics":[{"name":"clustertune.train.loss","gauge":{"dataPoints":[{"timeUnixNano":"9","asDouble":1.25}]}}]}]}]}
            """;
        var resp = await Post(Encoding.UTF8.GetBytes(json), "application/json; charset=utf-8");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("application/json", resp.Content.Headers.ContentType!.MediaType);
        Assert.Equal("{}", await resp.Content.ReadAsStringAsync());
        Assert.Equal(1.25, _sink.Records.Single().Value);
    }

    [Fact]
    public async Task Wrong_token_is_200_with_partial_success_counting_every_point()
    {
        var resp = await Post(Body(4), token: "nope");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        var bytes = await resp.Content.ReadAsByteArrayAsync();
        var (rejected, message) = ReadPartialSuccess(bytes);
        Assert.Equal(4, rejected);
        Assert.Contains("x-clustertune-token", message);
        Assert.Empty(_sink.Records);
        Assert.Equal(0, _sink.Calls);

        var json = await Post(Encoding.UTF8.GetBytes("""{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1","asInt":"1"}]}}]}]}]}"""), "application/json");
        using var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Equal("1", doc.RootElement.GetProperty("partialSuccess").GetProperty("rejectedDataPoints").GetString());
        Assert.Contains("k8s.namespace.name", doc.RootElement.GetProperty("partialSuccess").GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task Gzip_bodies_are_decompressed()
    {
        var resp = await Post(Gzip(Body(2)), encoding: "gzip");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal(2, _sink.Records.Count);
    }

    [Fact]
    public async Task Corrupt_gzip_is_400()
    {
        var resp = await Post(Body(2), encoding: "gzip");
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        Assert.Contains("gzip", ReadStatus(await resp.Content.ReadAsByteArrayAsync()).Message);
    }

    [Fact]
    public async Task Body_over_the_cap_is_413_before_and_after_decompression()
    {
        var big = Body(5000);
        Assert.InRange(big.Length, 64 * 1024 + 1, 256 * 1024);
        var raw = await Post(big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, raw.StatusCode);
        Assert.Contains("exceeds the limit of 65536 bytes", ReadStatus(await raw.Content.ReadAsByteArrayAsync()).Message);

        // A gzip bomb: tiny on the wire, larger than the decompressed cap once inflated.
        var bomb = Gzip(new byte[1024 * 1024]);
        Assert.True(bomb.Length < 64 * 1024);
        var inflated = await Post(bomb, encoding: "gzip");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, inflated.StatusCode);
        Assert.Contains("decompressed body exceeds the limit of 262144 bytes", ReadStatus(await inflated.Content.ReadAsByteArrayAsync()).Message);

        // Chunked (no Content-Length): the cap still applies while reading.
        var req = new HttpRequestMessage(HttpMethod.Post, "/v1/metrics") { Content = new StreamContent(new MemoryStream(big)) };
        req.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        req.Headers.TransferEncodingChunked = true;
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await _http.SendAsync(req)).StatusCode);
        Assert.Empty(_sink.Records);
    }

    [Theory]
    [InlineData("text/plain", null, "unsupported Content-Type 'text/plain'")]
    [InlineData("application/x-protobuf", "br", "unsupported Content-Encoding 'br'")]
    public async Task Unsupported_media_is_415(string contentType, string? encoding, string message)
    {
        var resp = await Post(Body(), contentType, encoding: encoding);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, resp.StatusCode);
        var status = ReadStatus(await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.Contains(message, status.Message);
    }

    [Fact]
    public async Task Undecodable_payload_is_400_with_the_byte_offset()
    {
        var resp = await Post([0x0A, 0x05, 0x01]);
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        var status = ReadStatus(await resp.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, status.Code);
        Assert.Contains("byte offset 1", status.Message);

        var json = await Post("{\"resourceMetrics\":"u8.ToArray(), "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        using var doc = JsonDocument.Parse(await json.Content.ReadAsStringAsync());
        Assert.Contains("invalid OTLP JSON", doc.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(SinkWriteStatus.Throttled, HttpStatusCode.TooManyRequests, 7.2, "8")]
    [InlineData(SinkWriteStatus.Unavailable, HttpStatusCode.ServiceUnavailable, 0.1, "1")]
    public async Task Refusing_sink_gives_retryable_status_with_retry_after(SinkWriteStatus status, HttpStatusCode expected, double seconds, string retryAfter)
    {
        _sink.Answer = new SinkWriteResult(status, TimeSpan.FromSeconds(seconds));
        var resp = await Post(Body());
        Assert.Equal(expected, resp.StatusCode);
        Assert.Equal(retryAfter, resp.Headers.GetValues("Retry-After").Single());
        Assert.Empty(_sink.Records);
    }

    [Fact]
    public async Task Random_bodies_never_produce_a_server_error()
    {
        var random = new Random(2026);
        var valid = Body(3);
        for (int i = 0; i < 40; i++)
        {
            byte[] body;
            if (i % 2 == 0)
            {
                body = (byte[])valid.Clone();
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }
            else
            {
                body = new byte[random.Next(0, 200)];
                random.NextBytes(body);
            }
            bool json = i % 5 == 0;
            var resp = await Post(body, json ? "application/json" : "application/x-protobuf", encoding: i % 7 == 0 ? "gzip" : null);
            Assert.Contains((int)resp.StatusCode, new[] { 200, 400 });
        }
    }

    [Fact]
    public async Task Gzip_json_is_answered_in_json()
    {
        var json = """{"resourceMetrics":[{"resource":{"attributes":[{"key":"k8s.namespace.name","value":{"stringValue":"ns"}},{"key":"clustertune.job.name","value":{"stringValue":"job"}},{"key":"clustertune.trial.id","value":{"stringValue":"job-t1"}}]},"scopeMetrics":[{"metrics":[{"name":"clustertune.train.loss","gauge":{"dataPoints":[{"timeUnixNano":"0","asDouble":1}]}}]}]}]}""";
        var resp = await Post(Gzip(Encoding.UTF8.GetBytes(json)), "application/json", encoding: "gzip");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
        Assert.Contains("time_unix_nano is 0", doc.RootElement.GetProperty("partialSuccess").GetProperty("errorMessage").GetString());
    }

    [Theory]
    [InlineData(0, 10, 5, "MaxRequestBodyBytes")]
    [InlineData(10, 5, 5, "MaxDecompressedBodyBytes")]
    [InlineData(10, 10, 0, "FailureRetryAfter")]
    public void Invalid_options_name_the_setting(long max, long maxDecompressed, int retrySeconds, string setting)
    {
        var options = new OtlpReceiverOptions { MaxRequestBodyBytes = max, MaxDecompressedBodyBytes = maxDecompressed, FailureRetryAfter = TimeSpan.FromSeconds(retrySeconds) };
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new OtlpMetricsReceiver(_validator, _sink, options));
        Assert.Equal(setting, e.ParamName);
    }

    [Fact]
    public async Task Get_is_not_routed_to_the_receiver()
    {
        var resp = await _http.GetAsync("/v1/metrics");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, resp.StatusCode);
    }

    [Fact]
    public async Task Outcomes_show_up_on_the_metrics_endpoint()
    {
        await Post(Body(2));
        await Post(Body(3), token: "bad");
        await Post([0xFF]);
        var resp = await _http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", resp.Content.Headers.ContentType!.ToString());
        var text = await resp.Content.ReadAsStringAsync();
        Assert.Contains("clustertune_otlp_points_accepted_total 2\n", text);
        Assert.Contains("clustertune_otlp_points_rejected_total{reason=\"invalid_token\"} 3\n", text);
        Assert.Contains("clustertune_otlp_requests_total{code=\"200\"} 2\n", text);
        Assert.Contains("clustertune_otlp_requests_total{code=\"400\"} 1\n", text);
        Assert.Contains("clustertune_otlp_request_size_bytes_count 3\n", text);
    }
}
