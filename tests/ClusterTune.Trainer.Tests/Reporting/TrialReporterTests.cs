using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Reporting;

namespace ClusterTune.Trainer.Tests.Reporting;

public sealed class TrialReporterTests
{
    [Fact]
    public void MetricsJsonlHoldsEveryPointWithCatalogNames()
    {
        var dir = TestData.TempDir("jsonl");
        try
        {
            using (var reporter = new TrialReporter(new TrialOptions { CheckpointDir = dir }, TimeProvider.System, TextWriter.Null))
            {
                Assert.Null(reporter.Endpoint);
                reporter.TrainableParameters(1234, 0.5, 0, 0);
                reporter.TrainStep(1, 0, 2.5, 1e-3, 0.01);
                reporter.Evaluation(1, 1, new Dictionary<string, double> { ["accuracy"] = 0.75, ["loss"] = 0.9 });
                reporter.CheckpointSaved("last", 1, 1);
            }

            var lines = File.ReadAllLines(Path.Combine(dir, MetricsLog.FileName)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Contains(lines, l => l.GetProperty("name").GetString() == MetricNames.TrainLoss && l.GetProperty("value").GetDouble() == 2.5
                && l.GetProperty("attributes").GetProperty(MetricAttributes.Split).GetString() == MetricAttributes.SplitTrain);
            Assert.Contains(lines, l => l.GetProperty("name").GetString() == MetricNames.EvalMetric && l.GetProperty("value").GetDouble() == 0.75
                && l.GetProperty("attributes").GetProperty(MetricAttributes.Metric).GetString() == "accuracy" && l.GetProperty("epoch").GetInt32() == 1);
            Assert.Contains(lines, l => l.GetProperty("name").GetString() == MetricNames.TrainableParameters && l.GetProperty("value").GetDouble() == 1234);
            Assert.Contains(lines, l => l.GetProperty("name").GetString() == MetricNames.CheckpointSaved);
            Assert.Contains(lines, l => l.GetProperty("name").GetString() == MetricNames.TrainStep && l.GetProperty("step").GetInt64() == 1);
            var known = typeof(MetricNames).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
            Assert.All(lines, l => Assert.Contains(l.GetProperty("name").GetString()!, known));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task OtlpExportReachesAListenerAsProtobufWithTheTrialToken()
    {
        var port = FreePort();
        // Under a path of its own: a stray request from another test's client to this just-freed port is not "the first export".
        var root = $"http://127.0.0.1:{port}/{Guid.NewGuid():N}";
        using var listener = new HttpListener();
        listener.Prefixes.Add(root + "/");
        listener.Start();
        var first = new TaskCompletionSource<Request>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serving = ServeAll(listener, first);
        var dir = TestData.TempDir("otlp");
        try
        {
            var options = new TrialOptions
            {
                CheckpointDir = dir,
                Job = "j",
                Trial = "j-1",
                Token = "tok-123",
                OtlpEndpoint = root,
                OtlpHeaders = "x-extra=1",
                MetricExportIntervalMs = 60_000,
                Parameters = TrialParameters.Parse("""{"loraRank":4}"""),
            };
            using var reporter = new TrialReporter(options, TimeProvider.System, TextWriter.Null);
            Assert.Equal($"{root}/v1/metrics", reporter.Endpoint!.ToString());
            reporter.TrainStep(1, 0, 1.5, 1e-3, 0.02);
            reporter.Evaluation(1, 1, new Dictionary<string, double> { ["accuracy"] = 0.5 }); // forces a flush
            var request = await first.Task.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal("POST", request.Method);
            Assert.Equal(new Uri(root).AbsolutePath + "/v1/metrics", request.Path);
            Assert.Equal("application/x-protobuf", request.ContentType);
            Assert.Equal("tok-123", request.Token);
            Assert.Equal("1", request.Extra);
            var body = System.Text.Encoding.Latin1.GetString(request.Body);
            Assert.Contains(MetricNames.TrainLoss, body);
            Assert.Contains(MetricNames.EvalMetric, body);
            Assert.Contains(ResourceAttributes.TrialName, body);
            Assert.Contains(ResourceAttributes.ParamPrefix + "loraRank", body);
            Assert.Contains(ResourceAttributes.TrainerServiceName, body);
        }
        finally
        {
            listener.Stop();
            await serving;
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("http://h:4318", "http://h:4318/v1/metrics")]
    [InlineData("http://h:4318/", "http://h:4318/v1/metrics")]
    [InlineData("https://h/otlp/v1/metrics", "https://h/otlp/v1/metrics")]
    public void EndpointGetsTheMetricsPathOnce(string endpoint, string expected) =>
        Assert.Equal(expected, TrialReporter.MetricsEndpoint(endpoint).ToString());

    [Fact]
    public void BadEndpointNamesTheVariable() =>
        Assert.Contains(TrialEnv.OtlpEndpoint, Assert.Throws<TrialConfigurationException>(() => TrialReporter.MetricsEndpoint("localhost:4318")).Message);

    [Fact]
    public void TokenHeaderIsAppendedToUserHeaders()
    {
        Assert.Equal("a=1,x-clustertune-token=t%2Fk", TrialReporter.Headers(new TrialOptions { OtlpHeaders = "a=1", Token = "t/k" }));
        Assert.Equal("", TrialReporter.Headers(new TrialOptions()));
        // The operator also sets the header in OTEL_EXPORTER_OTLP_HEADERS: sent once, not twice.
        Assert.Equal("x-clustertune-token=t", TrialReporter.Headers(new TrialOptions { OtlpHeaders = "x-clustertune-token=t", Token = "t" }));
    }

    private sealed record Request(string Method, string Path, string? ContentType, string? Token, string? Extra, byte[] Body);

    // Answers every export (the reporter flushes again on dispose) and hands the first one to the test.
    private static async Task ServeAll(HttpListener listener, TaskCompletionSource<Request> first)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            first.TrySetResult(new Request(context.Request.HttpMethod, context.Request.Url!.AbsolutePath, context.Request.ContentType,
                context.Request.Headers[TrialEnv.TokenHeader], context.Request.Headers["x-extra"], body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
