namespace ClusterTune.Cli.Commands;

/// <summary>Routes `ctune &lt;command&gt;` to its implementation.</summary>
internal static class Dispatcher
{
    public const string Usage = """
        usage: ctune <command> [args]
          run <job.yaml>     run a sweep locally (embedded API server + process node agent + operator)
          status [JOB]       the namespace's sweeps, or one sweep: conditions, counts, best, budget, events
          trials JOB         one row per trial: phase, epoch, objective, params, attempts, reason
          best JOB           the best trial: params, objective, checkpoint, promoted copy (-o json)
          logs TRIAL         the trainer output of a trial's pod (--attempt N, --tail N, -f)
          explain JOB|TRIAL  why a sweep or a trial is not progressing, and what to change
          ui [JOB]           serve the sweep page (curves, parallel coordinates, importance) and print its URL
          report JOB --out DIR  the sweep page as files: HTML that opens from disk, and the charts as PNG
          presets [NAME]     the search space each spec.searchSpace.preset expands to (no cluster needed)
          node               be a node of a real cluster: run the pods bound to it as local processes (no kubelet)
        The inspection commands work on any cluster: --kubeconfig PATH, --context NAME, -n NAMESPACE
        (default $KUBECONFIG or ~/.kube/config, its current context and that context's namespace).
        Run `ctune <command> --help` for a command's flags.
        """;

    /// <summary>Runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err, CancellationToken ct)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            await (args.Count == 0 ? err : @out).WriteLineAsync(Usage);
            return args.Count == 0 ? 2 : 0;
        }

        var rest = args.Skip(1).ToList();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            await @out.WriteLineAsync(args[0] switch
            {
                "run" => RunCommand.Usage,
                "status" => StatusCommand.Usage,
                "trials" => TrialsCommand.Usage,
                "best" => BestCommand.Usage,
                "logs" => LogsCommand.Usage,
                "explain" => ExplainCommand.Usage,
                "node" => NodeCommand.Usage,
                "ui" => UiCommand.Usage,
                "report" => ReportCommand.Usage,
                "presets" => PresetsCommand.Usage,
                _ => Usage,
            });
            return 0;
        }

        switch (args[0])
        {
            case "run":
                return await RunCommand.RunAsync(rest, @out, err, ct);
            case "status":
                return await StatusCommand.RunAsync(rest, @out, err, ct);
            case "trials":
                return await TrialsCommand.RunAsync(rest, @out, err, ct);
            case "best":
                return await BestCommand.RunAsync(rest, @out, err, ct);
            case "logs":
                return await LogsCommand.RunAsync(rest, @out, err, ct);
            case "explain":
                return await ExplainCommand.RunAsync(rest, @out, err, ct);
            case "ui":
                return await UiCommand.RunAsync(rest, @out, err, ct);
            case "report":
                return await ReportCommand.RunAsync(rest, @out, err, ct);
            case "presets":
                return await PresetsCommand.RunAsync(rest, @out, err);
            case "node":
                return await NodeCommand.RunAsync(rest, @out, err, ct);
            default:
                await err.WriteLineAsync($"ctune: unknown command '{args[0]}'\n{Usage}");
                return 2;
        }
    }
}
