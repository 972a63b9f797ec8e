using System.Globalization;

namespace ClusterTune.Operator;

/// <summary>The operator's command line, parsed into <see cref="OperatorOptions"/> (errors name the flag).</summary>
internal sealed record OperatorFlags(OperatorOptions Options, string Listen, string? Kubeconfig, string? Context, bool Help, string? Error)
{
    public const string Usage = """
        usage: ClusterTune.Operator [--kubeconfig PATH] [--context NAME] [--namespace NS] [--listen URL]
                                    [--otlp-endpoint URL] [--checkpoint-root PATH] [--checkpoint-claim PVC]
                                    [--redis CONNECTION] [--cluster-id ID] [--silo-port N] [--gateway-port N]
                                    [--advertise-address IP] [--unschedulable-timeout DURATION]
          --redis: silos sharing this Redis (StackExchange.Redis syntax, e.g. redis:6379,password=...) form one
                   controller; without it the process is a single silo. Env CT_REDIS works too (e.g. from a Secret).
        """ + "\n" + SecurityFlags.Usage;

    public static OperatorFlags Parse(IReadOnlyList<string> args)
    {
        var podNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "clustertune-system";
        var options = new OperatorOptions
        {
            OtlpEndpoint = $"http://clustertune-operator.{podNamespace}.svc:8080",
            Identity = Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}_{Guid.NewGuid():N}",
            RedisConnection = Environment.GetEnvironmentVariable("CT_REDIS") is { Length: > 0 } r ? r : null,
            SiloPort = 11111,
            AdvertisedAddress = Environment.GetEnvironmentVariable("POD_IP") is { Length: > 0 } ip ? ip : null,
        };
        string listen = "http://0.0.0.0:8080";
        string? kubeconfig = null, context = null;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                return new(options, listen, kubeconfig, context, true, null);
            }

            if (i + 1 >= args.Count)
            {
                return new(options, listen, kubeconfig, context, false, $"{flag} needs a value");
            }

            var v = args[++i];
            switch (flag)
            {
                case "--kubeconfig":
                    kubeconfig = v;
                    break;
                case "--context":
                    context = v;
                    break;
                case "--namespace":
                    options = options with { WatchNamespace = v };
                    break;
                case "--listen":
                    listen = v;
                    break;
                case "--otlp-endpoint":
                    options = options with { OtlpEndpoint = v };
                    break;
                case "--checkpoint-root":
                    options = options with { CheckpointRoot = v };
                    break;
                case "--checkpoint-claim":
                    options = options with { CheckpointClaim = v };
                    break;
                case "--redis":
                    options = options with { RedisConnection = v };
                    break;
                case "--cluster-id":
                    options = options with { ClusterId = v };
                    break;
                case "--advertise-address" when System.Net.IPAddress.TryParse(v, out _):
                    options = options with { AdvertisedAddress = v };
                    break;
                case "--advertise-address":
                    return new(options, listen, kubeconfig, context, false, $"--advertise-address takes an IP address, got '{v}'");
                case "--unschedulable-timeout" when Api.GoDuration.TryParse(v, out var d) && d > TimeSpan.Zero:
                    options = options with { UnschedulableTimeout = d };
                    break;
                case "--unschedulable-timeout":
                    return new(options, listen, kubeconfig, context, false, $"--unschedulable-timeout takes a positive duration such as 10m, got '{v}'");
                case "--silo-port" or "--gateway-port" when !int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535:
                    return new(options, listen, kubeconfig, context, false, $"{flag} takes a port number 0-65535, got '{v}'");
                case "--silo-port":
                    options = options with { SiloPort = int.Parse(v, CultureInfo.InvariantCulture) };
                    break;
                case "--gateway-port":
                    options = options with { GatewayPort = int.Parse(v, CultureInfo.InvariantCulture) };
                    break;
                default:
                    var (secured, error) = SecurityFlags.Apply(options, flag, v);
                    if (secured is null)
                    {
                        return new(options, listen, kubeconfig, context, false, error ?? $"unknown flag {flag}");
                    }

                    options = secured;
                    break;
            }
        }
        return new(options, listen, kubeconfig, context, false, null);
    }
}
