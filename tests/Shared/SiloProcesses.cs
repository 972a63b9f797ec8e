using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace ClusterTune.Testing.Silos;

// Linked into tests/ClusterTune.Operator.Tests and bench/operator-scale: both start the deployable operator as silo
// processes on a real redis-server and talk to the grains through an Orleans client.

/// <summary>Free TCP ports on the loopback interface.</summary>
public static class LoopbackPorts
{
    /// <summary>A port free right now (another process may take it before it is used).</summary>
    public static int Free()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

/// <summary>Debian's redis-server on a free port, no persistence, killed on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    /// <summary>Where Debian's package installs it.</summary>
    public const string Binary = "/usr/bin/redis-server";

    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Connection = $"127.0.0.1:{port}";
    }

    /// <summary>host:port, as --redis takes it.</summary>
    public string Connection { get; }

    /// <summary>Starts one and waits until it listens.</summary>
    public static RedisServer Start(string dir)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: `make deps` installs it (Debian package redis-server)");
        }

        var port = LoopbackPorts.Free();
        var p = Process.Start(new ProcessStartInfo(Binary)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir },
            RedirectStandardOutput = true,
        })!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient("127.0.0.1", port);
                return new RedisServer(p, port);
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        p.Kill();
        throw new InvalidOperationException($"redis-server did not listen on {port}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}

/// <summary>One ClusterTune.Operator process (a silo); the tail of its output is kept for failure reports.</summary>
public sealed class OperatorProcess : IDisposable
{
    private const int KeptLines = 400;
    private readonly Queue<string?> _log = new();

    private OperatorProcess(string name, Process process)
    {
        Name = name;
        Process = process;
    }

    /// <summary>Its POD_NAME.</summary>
    public string Name { get; }

    /// <summary>The process (its Id is what grains' Where() reports).</summary>
    public Process Process { get; }

    /// <summary>The last lines it wrote.</summary>
    public string Log()
    {
        lock (_log)
        {
            return string.Join('\n', _log);
        }
    }

    /// <summary>Starts <paramref name="dll"/> as a silo clustered through <paramref name="redis"/>; <paramref name="extraArgs"/> are appended.</summary>
    public static OperatorProcess Start(string dll, string kubeconfig, string redis, string clusterId, string checkpointRoot, string name, params string[] extraArgs)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the operator in Release (make build)");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "--kubeconfig", kubeconfig, "--listen", "http://127.0.0.1:0", "--redis", redis, "--cluster-id", clusterId,
                "--silo-port", "0", "--gateway-port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
                "--advertise-address", "127.0.0.1", "--checkpoint-root", checkpointRoot, "--otlp-endpoint", "http://127.0.0.1:9" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["POD_NAME"] = name },
        };
        foreach (var a in extraArgs)
        {
            start.ArgumentList.Add(a);
        }

        var p = new Process { StartInfo = start };
        var op = new OperatorProcess(name, p);
        p.OutputDataReceived += (_, e) => op.Keep(e.Data);
        p.ErrorDataReceived += (_, e) => op.Keep(e.Data);
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return op;
    }

    private void Keep(string? line)
    {
        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > KeptLines)
            {
                _log.Dequeue();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }
}

/// <summary>An Orleans client of a Redis-clustered operator.</summary>
public static class SiloClient
{
    /// <summary>Connects, retrying while no gateway is registered yet (the silos are still starting).</summary>
    public static async Task<IHost> ConnectAsync(string redis, string clusterId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.UseOrleansClient(c => c.UseRedisClustering(redis).Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId)));
            var host = builder.Build();
            try
            {
                await host.StartAsync();
                return host;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                host.Dispose();
                await Task.Delay(500);
            }
        }
    }

    /// <summary>The grain factory of a connected client host.</summary>
    public static IClusterClient Grains(this IHost client) => client.Services.GetRequiredService<IClusterClient>();
}

/// <summary>POSIX signals to a process by pid.</summary>
public static class Signals
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    /// <summary>SIGTERM; 0 on success.</summary>
    public static int Terminate(int pid) => Kill(pid, 15);
}
