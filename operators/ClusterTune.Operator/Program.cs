using System.Runtime.InteropServices;
using ClusterTune.Kubernetes;
using ClusterTune.Operator;
using Microsoft.Extensions.Logging;

// ClusterTune.Operator: the in-cluster operator process. Flags (all optional):
//   --kubeconfig PATH --context NAME   (default: in-cluster config, else $KUBECONFIG / ~/.kube/config)
//   --namespace NS                     watch one namespace (default: all)
//   --listen URL                       OTLP + /metrics + health (default http://0.0.0.0:8080)
//   --otlp-endpoint URL                what trainers export to (default: the Service in $POD_NAMESPACE)
//   --checkpoint-root PATH --checkpoint-claim PVC
//   --redis CONNECTION --cluster-id ID --silo-port N --gateway-port N --advertise-address IP
var flags = OperatorFlags.Parse(args);
if (flags.Error is { } error)
{
    Console.Error.WriteLine($"ClusterTune.Operator: {error}");
    Console.Error.WriteLine(OperatorFlags.Usage);
    return 2;
}

if (flags.Help)
{
    Console.WriteLine(OperatorFlags.Usage);
    return 0;
}

using var loggers = ConsoleLogging.Create(LogLevel.Information);
await using var host = new OperatorHost(KubeConnection.FromEnvironment(flags.Context, flags.Kubeconfig), flags.Options, loggers);
using var cts = new CancellationTokenSource();
// SIGTERM (pod deletion, rollout) and SIGINT: leave the cluster gracefully, so the other silos take this one's job
// grains at once instead of after failure detection; Main then returns normally.
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cts.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; cts.Cancel(); });
await host.StartWebAsync(flags.Listen, cts.Token);
await host.RunAsync(cts.Token);
return 0;
