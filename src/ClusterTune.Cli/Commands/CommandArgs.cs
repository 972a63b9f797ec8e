namespace ClusterTune.Cli.Commands;

/// <summary>
/// The parsed arguments of an inspection command: the cluster flags every command takes (--kubeconfig, --context,
/// -n/--namespace), the command's own flags, and the positional arguments.
/// </summary>
internal sealed class CommandArgs
{
    private static readonly string[] ClusterFlags = ["--kubeconfig", "--context", "-n", "--namespace"];

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _all = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);

    private CommandArgs()
    {
    }

    /// <summary>The --kubeconfig path, or null for $KUBECONFIG / ~/.kube/config.</summary>
    public string? Kubeconfig => Value("--kubeconfig");

    /// <summary>The --context name, or null for the kubeconfig's current context.</summary>
    public string? Context => Value("--context");

    /// <summary>The -n/--namespace value, or null for the context's namespace.</summary>
    public string? Namespace => Value("--namespace");

    /// <summary>The arguments that are not flags, in order.</summary>
    public IReadOnlyList<string> Positionals { get; private set; } = [];

    /// <summary>
    /// Parses <paramref name="args"/>; <paramref name="valueFlags"/> take a value (as `--f v` or `--f=v`), <paramref name="switches"/> do not.
    /// Throws <see cref="UsageException"/> naming the flag for unknown flags or missing values.
    /// </summary>
    public static CommandArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueFlags, IReadOnlyCollection<string> switches)
    {
        var parsed = new CommandArgs();
        var positionals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                positionals.AddRange(args.Skip(i + 1));
                break;
            }
            if (!arg.StartsWith('-') || arg == "-")
            {
                positionals.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = eq > 0 ? arg[..eq] : arg;
            var canonical = flag == "-n" ? "--namespace" : flag;
            if (switches.Contains(flag))
            {
                if (eq > 0)
                {
                    throw new UsageException($"{flag} takes no value, got '{arg}'");
                }

                parsed._switches.Add(flag);
                continue;
            }
            if (!ClusterFlags.Contains(flag) && !valueFlags.Contains(flag))
            {
                throw new UsageException($"unknown flag {flag}");
            }

            string value;
            if (eq > 0)
            {
                value = arg[(eq + 1)..];
            }
            // A following flag is not a value: `-n --kubeconfig x` is a missing namespace, not namespace "--kubeconfig".
            else if (i + 1 < args.Count && !(args[i + 1].StartsWith('-') && args[i + 1].Length > 1))
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"{flag} needs a value");
            }

            if (value.Length == 0)
            {
                throw new UsageException($"{flag} needs a non-empty value");
            }

            parsed._values[canonical] = value;
            if (!parsed._all.TryGetValue(canonical, out var list))
            {
                parsed._all[canonical] = list = [];
            }

            list.Add(value);
        }

        parsed.Positionals = positionals;
        return parsed;
    }

    /// <summary>The value of a flag, or null when it was not given.</summary>
    public string? Value(string flag) => _values.GetValueOrDefault(flag);

    /// <summary>Every value of a repeatable flag, in order (empty when absent); <see cref="Value"/> is the last one.</summary>
    public IReadOnlyList<string> Values(string flag) => _all.TryGetValue(flag, out var list) ? list : [];

    /// <summary>Whether a switch was given.</summary>
    public bool Has(string flag) => _switches.Contains(flag);

    /// <summary>A flag's value as a whole number of at least <paramref name="min"/>, or null when absent.</summary>
    public int? Int(string flag, int min)
    {
        if (Value(flag) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < min)
        {
            throw new UsageException($"{flag} must be a whole number ≥ {min}, got '{text}'");
        }

        return n;
    }

    /// <summary>Exactly one positional argument, or a usage error that names <paramref name="what"/>.</summary>
    public string Single(string what)
    {
        return Positionals.Count switch
        {
            1 => Positionals[0],
            0 => throw new UsageException($"missing {what}"),
            _ => throw new UsageException($"expected one {what}, got {string.Join(" ", Positionals)}"),
        };
    }
}
