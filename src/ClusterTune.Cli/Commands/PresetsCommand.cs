using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api;
using ClusterTune.Api.Schema;
using ClusterTune.Api.V1Alpha1;

namespace ClusterTune.Cli.Commands;

/// <summary>
/// `ctune presets [NAME]`: the search spaces spec.searchSpace.preset expands to (and the default space), as the
/// operator expands them (<see cref="FineTuneJobDefaults.Apply"/>), for an algorithm. Needs no cluster.
/// </summary>
internal static class PresetsCommand
{
    /// <summary>The name that shows the space of a job without a preset.</summary>
    public const string DefaultName = "default";

    public static string Usage => $"""
        usage: ctune presets [NAME] [--algorithm grid|random|sobol|tpe]
          prints the search space each spec.searchSpace.preset expands to ({SearchSpacePresets.Names}), and the
          default space of a job without one ({DefaultName}). Knobs a job sets itself win over its preset; an explicit
          lrFactor without loraLrFactor applies to every trial. --algorithm (default random): grid lists LR points.
        exit: 0 ok, 2 unknown preset or bad usage
        """;

    /// <summary>Runs the command; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter @out, TextWriter err)
    {
        string? name = null;
        var algorithm = AlgorithmName.Random;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--algorithm" && i + 1 < args.Count && TryAlgorithm(args[++i]) is { } a)
            {
                algorithm = a;
            }
            else if (!args[i].StartsWith('-') && name is null)
            {
                name = args[i];
            }
            else
            {
                await err.WriteLineAsync($"ctune presets: unexpected argument '{args[i]}'\n{Usage}");
                return 2;
            }
        }

        if (name is not null && name != DefaultName && SearchSpacePresets.Find(name) is null)
        {
            await err.WriteLineAsync($"ctune presets: '{name}' is not a preset; use one of: {SearchSpacePresets.Names} (or {DefaultName})");
            return 2;
        }

        await @out.WriteAsync(Render(name, algorithm));
        return 0;
    }

    /// <summary>One block per preset (all when <paramref name="name"/> is null): its summary, evidence and expanded space as YAML.</summary>
    public static string Render(string? name, AlgorithmName algorithm)
    {
        var presets = SearchSpacePresets.All.Prepend(FineTuneJobDefaults.DefaultSpace)
            .Where(p => name is null || p.Name == name);
        var sb = new StringBuilder();
        foreach (var p in presets)
        {
            var spec = new FineTuneJobSpec
            {
                SearchSpace = new SearchSpace { Preset = p.Name == DefaultName ? null : p.Name },
                Algorithm = new AlgorithmSpec { Name = algorithm },
            };
            var space = FineTuneJobDefaults.Apply(spec).SearchSpace;
            var node = JsonSerializer.SerializeToNode(space, ApiJson.Options)!;

            sb.AppendLine($"{p.Name}: {p.Summary}");
            sb.AppendLine($"  evidence: docs/{p.Evidence}");
            sb.AppendLine($"  expands to (algorithm {JsonSerializer.Serialize(algorithm, ApiJson.Options).Trim('"')}; lrFactor: trials with loraRank 0; loraLrFactor: trials with loraRank > 0, passed to them as lrFactor):");
            foreach (var line in YamlEmitter.Write(new JsonObject { ["searchSpace"] = node }).TrimEnd('\n').Split('\n'))
            {
                sb.AppendLine("    " + line);
            }

            sb.AppendLine();
        }
        return sb.ToString();
    }

    // The API's spellings (grid, random, sobol, tpe) are the enum names in lower case.
    private static AlgorithmName? TryAlgorithm(string text) =>
        Enum.TryParse<AlgorithmName>(text, ignoreCase: true, out var a) && Enum.IsDefined(a) && !char.IsDigit(text[0]) ? a : null;
}
