using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ClusterTune.Operator.Tests.Scenarios;

/// <summary>
/// A real local HTTP server for webhook tests: records every request and answers each path from a script. It listens
/// under a path prefix of its own, so a request another test's client sends to the same port (its port was free a
/// moment before, and a client elsewhere in the suite may still retry it, such as an informer whose API server
/// stopped) is answered 404 by the listener and never recorded here.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly string _prefix = "/" + Guid.NewGuid().ToString("N") + "/";

    /// <summary>One request as received, with the status code it was answered with.</summary>
    public sealed record Request(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Answer);

    /// <param name="answer">The status code for the n-th (1-based) request to a path.</param>
    public WebhookReceiver(Func<string, int, int> answer)
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{Port}{_prefix}");
        _listener.Start();
        _serving = ServeAsync(answer);
    }

    public int Port { get; }

    public ConcurrentQueue<Request> Requests { get; } = new();

    public string Url(string path) => $"http://127.0.0.1:{Port}{_prefix}{path}";

    private async Task ServeAsync(Func<string, int, int> answer)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url!.AbsolutePath[_prefix.Length..];
            var n = _seen.AddOrUpdate(path, 1, (_, c) => c + 1);
            var code = answer(path, n);
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new Request(path, headers, body.ToArray(), code));
            context.Response.StatusCode = code;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _serving.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
