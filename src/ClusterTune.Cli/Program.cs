using System.Runtime.InteropServices;
using ClusterTune.Cli.Commands;

// ctune: run a sweep locally, be a process node of a cluster, or inspect sweeps on any cluster through kubeconfig.
using var cts = new CancellationTokenSource();
// SIGINT (Ctrl+C) and SIGTERM cancel the command, which stops what it started (local cluster, node agent processes)
// and returns normally instead of the runtime killing the process with its children still running.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; cts.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cts.Cancel(); });
return await Dispatcher.RunAsync(args, Console.Out, Console.Error, cts.Token);
