using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ClusterTune.Kubernetes.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on loopback for wire behaviour the embedded API server cannot produce on demand
/// (429 with Retry-After, a reset connection, a non-Status error page). One response per connection.
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Request, Reply> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<Request> _requests = new();
    private readonly X509Certificate2? _serverCertificate;

    /// <param name="serverCertificate">When set, the server speaks TLS and asks for (but does not require) a client certificate.</param>
    public ScriptedHttpServer(Func<Request, Reply> script, X509Certificate2? serverCertificate = null)
    {
        _script = script;
        _serverCertificate = serverCertificate;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri BaseAddress => new($"{(_serverCertificate is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Subject of the client certificate presented on the last TLS connection, if any.</summary>
    public string? LastClientCertificateSubject { get; private set; }

    /// <summary>Why the last TLS handshake failed on the server side, if it did.</summary>
    public Exception? LastHandshakeError { get; private set; }

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public sealed record Request(int Index, string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);

    /// <summary>A response, or Reset = true to abort the connection with RST after reading the request.</summary>
    public sealed record Reply(int Status = 200, string Body = "", string ContentType = "application/json",
        IReadOnlyDictionary<string, string>? Headers = null, bool Reset = false, IReadOnlyList<string>? Chunks = null);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(socket));
        }
    }

    private async Task HandleAsync(Socket socket)
    {
        using var _ = socket;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        await using var disposeStream = stream;
        if (_serverCertificate is not null)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _serverCertificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                });
            }
            catch (Exception e)
            {
                LastHandshakeError = e;
                await tls.DisposeAsync();
                return; // e.g. the client rejected our certificate
            }
            LastClientCertificateSubject = tls.RemoteCertificate?.Subject;
            stream = tls;
        }
        await using var disposeTls = stream;
        var header = new StringBuilder();
        var buf = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buf) == 0)
            {
                return;
            }

            header.Append((char)buf[0]);
        }
        var lines = header.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        var body = "";
        if (headers.TryGetValue("content-length", out var cl) && int.Parse(cl) > 0)
        {
            var data = new byte[int.Parse(cl)];
            var read = 0;
            while (read < data.Length)
            {
                read += await stream.ReadAsync(data.AsMemory(read));
            }

            body = Encoding.UTF8.GetString(data);
        }
        Request req;
        lock (_requests)
        {
            req = new Request(_requests.Count, first[0], first[1], headers, body, DateTimeOffset.UtcNow);
            _requests.Add(req);
        }
        var reply = _script(req);
        if (reply.Reset)
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
            return;
        }
        var sb = new StringBuilder();
        sb.Append($"HTTP/1.1 {reply.Status} X\r\nContent-Type: {reply.ContentType}\r\nConnection: close\r\n");
        foreach (var (k, v) in reply.Headers ?? new Dictionary<string, string>())
        {
            sb.Append($"{k}: {v}\r\n");
        }

        if (reply.Chunks is null)
        {
            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            sb.Append($"Content-Length: {bytes.Length}\r\n\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
            await stream.WriteAsync(bytes);
        }
        else
        {
            sb.Append("Transfer-Encoding: chunked\r\n\r\n");
            await stream.WriteAsync(Encoding.UTF8.GetBytes(sb.ToString()));
            foreach (var chunk in reply.Chunks)
            {
                var b = Encoding.UTF8.GetBytes(chunk);
                await stream.WriteAsync(Encoding.UTF8.GetBytes($"{b.Length:x}\r\n"));
                await stream.WriteAsync(b);
                await stream.WriteAsync("\r\n"u8.ToArray());
                await stream.FlushAsync();
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        await stream.FlushAsync();
        socket.Shutdown(SocketShutdown.Both);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }
        _stop.Dispose();
    }
}
