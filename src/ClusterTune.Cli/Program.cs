using ClusterTune.Cli.Commands;

// ctune: run a sweep locally, or inspect sweeps on any cluster through kubeconfig.
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await Dispatcher.RunAsync(args, Console.Out, Console.Error, cts.Token);
