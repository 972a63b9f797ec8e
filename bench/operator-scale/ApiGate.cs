using System.Net;
using System.Net.Sockets;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>
/// A TCP forwarder in front of the API server that starts listening only when opened. The silos' kubeconfig points
/// here, so they form their Orleans cluster before any of them sees a FineTuneJob: the job grains are then placed
/// over the whole membership, as for jobs created after the operator's Deployment is up. (Grains placed while only
/// the first silo had joined would all stay on it.)
/// </summary>
internal sealed class ApiGate(int targetPort) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task? _accept;

    public int Port { get; } = Testing.Silos.LoopbackPorts.Free();

    public void Open()
    {
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start(512);
        _accept = Task.Run(AcceptAsync);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await _listener!.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = PipeAsync(inbound);
        }
    }

    private async Task PipeAsync(TcpClient inbound)
    {
        using var _ = inbound;
        using var outbound = new TcpClient { NoDelay = true };
        inbound.NoDelay = true;
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, targetPort, _stop.Token);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            var up = a.CopyToAsync(b, _stop.Token);
            var down = b.CopyToAsync(a, _stop.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        if (_accept is not null)
        {
            await _accept;
        }
    }
}
