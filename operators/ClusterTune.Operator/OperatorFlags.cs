namespace ClusterTune.Operator;

/// <summary>The operator's command line, parsed into <see cref="OperatorOptions"/> (errors name the flag).</summary>
internal sealed record OperatorFlags(OperatorOptions Options, string Listen, string? Kubeconfig, string? Context, bool Help, string? Error)
{
    public const string Usage = """
        usage: ClusterTune.Operator [--kubeconfig PATH] [--context NAME] [--namespace NS] [--listen URL]
                                    [--otlp-endpoint URL] [--checkpoint-root PATH] [--checkpoint-claim PVC]
                                    [--leader-elect true|false] [--lease-namespace NS] [--lease-name NAME]
        """ + "\n" + SecurityFlags.Usage;

    public static OperatorFlags Parse(IReadOnlyList<string> args)
    {
        var podNamespace = Environment.GetEnvironmentVariable("POD_NAMESPACE") ?? "clustertune-system";
        var options = new OperatorOptions
        {
            LeaseNamespace = podNamespace,
            OtlpEndpoint = $"http://clustertune-operator.{podNamespace}.svc:8080",
            Identity = Environment.GetEnvironmentVariable("POD_NAME") ?? $"{Environment.MachineName}_{Guid.NewGuid():N}",
        };
        string listen = "http://0.0.0.0:8080";
        string? kubeconfig = null, context = null;
        var elect = true;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help") return new(options, listen, kubeconfig, context, true, null);
            if (i + 1 >= args.Count) return new(options, listen, kubeconfig, context, false, $"{flag} needs a value");
            var v = args[++i];
            switch (flag)
            {
                case "--kubeconfig": kubeconfig = v; break;
                case "--context": context = v; break;
                case "--namespace": options = options with { WatchNamespace = v }; break;
                case "--listen": listen = v; break;
                case "--otlp-endpoint": options = options with { OtlpEndpoint = v }; break;
                case "--checkpoint-root": options = options with { CheckpointRoot = v }; break;
                case "--checkpoint-claim": options = options with { CheckpointClaim = v }; break;
                case "--lease-namespace": options = options with { LeaseNamespace = v }; break;
                case "--lease-name": options = options with { LeaseName = v }; break;
                case "--leader-elect" when bool.TryParse(v, out var b): elect = b; break;
                case "--leader-elect": return new(options, listen, kubeconfig, context, false, $"--leader-elect takes true or false, got '{v}'");
                default:
                    var (secured, error) = SecurityFlags.Apply(options, flag, v);
                    if (secured is null) return new(options, listen, kubeconfig, context, false, error ?? $"unknown flag {flag}");
                    options = secured;
                    break;
            }
        }
        if (!elect) options = options with { LeaseNamespace = null };
        return new(options, listen, kubeconfig, context, false, null);
    }
}
