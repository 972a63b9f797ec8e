using System.Net;
using System.Net.Sockets;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace ClusterTune.Operator.Hosting;

/// <summary>How a silo of ClusterTune's controller is put together (the operator process, `ctune run` and the test clusters).</summary>
public static class OperatorServices
{
    /// <summary>
    /// Adds the controller to a host that also runs an Orleans silo: the silo's <see cref="OperatorRuntime"/>, its HTTP
    /// endpoint on <paramref name="listen"/> and the <see cref="SiloController"/>. Clustering is the caller's
    /// (<see cref="UseClusterTuneClustering"/>, or a test cluster's).
    /// </summary>
    public static OperatorRuntime AddClusterTuneOperator(this IHostApplicationBuilder builder, KubernetesClientConfiguration config, OperatorOptions options,
        string listen, ILoggerFactory loggers, TimeProvider? time = null, params DelegatingHandler[] extraHandlers)
    {
        var runtime = new OperatorRuntime(config, options, loggers, time ?? TimeProvider.System, extraHandlers);
        // A factory registration, so the container disposes the runtime (and its client) with the silo.
        builder.Services.AddSingleton(_ => runtime);
        builder.Services.AddSingleton(sp => new OperatorEndpoint(runtime, sp.GetRequiredService<IGrainFactory>(), listen));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OperatorEndpoint>());
        builder.Services.AddHostedService<SiloController>();
        builder.Services.AddPlacementDirector<Grains.JobPartitionPlacement, Grains.JobPartitionPlacementDirector>();
        return runtime;
    }

    /// <summary>Membership: Redis when <see cref="OperatorOptions.RedisConnection"/> is set, else localhost clustering (one silo); failure detection tuned.</summary>
    public static ISiloBuilder UseClusterTuneClustering(this ISiloBuilder silo, OperatorOptions options)
    {
        var siloPort = options.SiloPort == 0 ? FreePort() : options.SiloPort;
        if (options.RedisConnection is { } redis)
        {
            silo.UseRedisClustering(redis);
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ClusterId));
            silo.Configure<EndpointOptions>(o =>
            {
                o.SiloPort = siloPort;
                o.GatewayPort = options.GatewayPort;
                o.AdvertisedIPAddress = options.AdvertisedAddress is { } a ? IPAddress.Parse(a) : FirstAddress();
            });
        }
        else
        {
            silo.UseLocalhostClustering(siloPort, options.GatewayPort, serviceId: options.ClusterId, clusterId: options.ClusterId);
        }
        return silo.ConfigureMembership(options);
    }

    /// <summary>The failure detector's settings (used by test clusters too).</summary>
    public static ISiloBuilder ConfigureMembership(this ISiloBuilder silo, OperatorOptions options) =>
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = options.ProbeTimeout;
            o.NumMissedProbesLimit = options.MissedProbesLimit;
        });

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static IPAddress FirstAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
}
