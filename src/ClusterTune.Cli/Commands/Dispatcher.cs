namespace ClusterTune.Cli.Commands;

/// <summary>Routes `ctune &lt;command&gt;` to its implementation.</summary>
public static class Dispatcher
{
    public const string Usage = """
        usage: ctune <command> [args]
          run <job.yaml>     run a sweep locally (embedded API server + process node agent + operator)
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
            await @out.WriteLineAsync(args[0] switch { "run" => RunCommand.Usage, _ => Usage });
            return 0;
        }

        switch (args[0])
        {
            case "run":
                return await RunCommand.RunAsync(rest, @out, err, ct);
            default:
                await err.WriteLineAsync($"ctune: unknown command '{args[0]}'\n{Usage}");
                return 2;
        }
    }
}
