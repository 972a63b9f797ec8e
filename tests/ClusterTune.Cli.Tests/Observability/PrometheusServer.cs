using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace ClusterTune.Cli.Tests.Observability;

/// <summary>
/// Debian's <c>prometheus</c> (package prometheus) on 127.0.0.1 with a temporary config and storage directory,
/// scraping one target every second with honor_labels: true. Disposing kills it and deletes the directory.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    /// <summary>The scrape job name (with honor_labels the FineTuneJob's own job label wins on the trial series).</summary>
    public const string ScrapeJob = "clustertune-operator";

    private readonly Process _process;
    private readonly string _dir;

    private PrometheusServer(Process process, string dir, Uri address)
    {
        _process = process;
        _dir = dir;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The prometheus binary on PATH, or null.</summary>
    public static string? BinaryPath { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "prometheus")).FirstOrDefault(File.Exists);

    public Uri Address { get; }

    public HttpClient Http { get; }

    /// <summary>Prometheus's own log (stdout and stderr).</summary>
    public string LogPath => Path.Combine(_dir, "prometheus.log");

    /// <summary>Starts prometheus scraping <paramref name="target"/> (host:port) at /metrics and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, CancellationToken ct)
    {
        var dir = Path.Combine(Path.GetTempPath(), "clustertune-prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        var config = Path.Combine(dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
            - job_name: {ScrapeJob}
              honor_labels: true
              metrics_path: /metrics
              static_configs:
              - targets: ['{target}']
            """, ct);
        var port = FreePort();
        var psi = new ProcessStartInfo(BinaryPath ?? throw new InvalidOperationException("prometheus is not on PATH"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        // Through sh only to send its output to a file (no pipe to drain); exec keeps the pid prometheus's own.
        psi.FileName = "/bin/sh";
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$@\" >\"$LOG\" 2>&1");
        psi.ArgumentList.Add("sh");
        psi.ArgumentList.Add(BinaryPath);
        psi.ArgumentList.Add($"--config.file={config}");
        psi.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(dir, "data")}");
        psi.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        psi.ArgumentList.Add("--storage.tsdb.retention.time=1h");
        psi.Environment["LOG"] = Path.Combine(dir, "prometheus.log");
        var process = Process.Start(psi) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, dir, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{server.Log()}");
                }

                try
                {
                    using var r = await server.Http.GetAsync("-/ready", ct);
                    if (r.IsSuccessStatusCode)
                    {
                        return server;
                    }
                }
                catch (HttpRequestException)
                {
                }
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"prometheus not ready in 30 s:\n{server.Log()}");
                }

                await Task.Delay(200, ct);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The target's last scrape time and health from /api/v1/targets, or null before the first scrape.</summary>
    public async Task<(DateTimeOffset LastScrape, string Health, string? Error)?> LastScrapeAsync(CancellationToken ct)
    {
        var json = JsonNode.Parse(await Http.GetStringAsync("api/v1/targets?state=active", ct))!;
        var target = json["data"]?["activeTargets"]?.AsArray().FirstOrDefault();
        if (target is null)
        {
            return null;
        }

        var last = DateTimeOffset.Parse(target["lastScrape"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        if (last.Year < 2000)
        {
            return null;
        }

        return (last, target["health"]!.GetValue<string>(), target["lastError"]?.GetValue<string>());
    }

    /// <summary>Evaluates an instant query at <paramref name="time"/>; returns the result samples, or the API's error.</summary>
    public async Task<(JsonArray? Result, string? Error)> QueryAsync(string expr, DateTimeOffset time, CancellationToken ct)
    {
        var url = $"api/v1/query?query={Uri.EscapeDataString(expr)}&time={time.ToUnixTimeMilliseconds() / 1000.0:0.###}";
        using var resp = await Http.GetAsync(url, ct);
        var body = await resp.Content.ReadAsStringAsync(ct);
        var json = JsonNode.Parse(body)!;
        if (json["status"]?.GetValue<string>() != "success")
        {
            return (null, $"{(int)resp.StatusCode} {json["errorType"]}: {json["error"]}");
        }

        var data = json["data"]!;
        return data["resultType"]!.GetValue<string>() switch
        {
            "vector" or "matrix" => (data["result"]!.AsArray(), null),
            // A scalar or string is one value.
            _ => (new JsonArray(new JsonObject { ["value"] = data["result"]!.DeepClone() }), null),
        };
    }

    /// <summary>The log so far (for failure messages).</summary>
    public string Log()
    {
        try
        {
            var text = File.ReadAllText(LogPath);
            return text.Length > 4000 ? text[^4000..] : text;
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
