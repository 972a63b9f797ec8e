using System.Globalization;
using System.Text;

namespace ClusterTune.Telemetry.Tests.Support;

/// <summary>A strict test-side parser of the Prometheus text format 0.0.4, used to read renderings back.</summary>
internal static class ExpositionParser
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Parsed(IReadOnlyDictionary<string, string> Help, IReadOnlyDictionary<string, string> Types, IReadOnlyList<Sample> Samples)
    {
        public IEnumerable<Sample> Named(string name) => Samples.Where(s => s.Name == name);
    }

    public static Parsed Parse(string text)
    {
        Assert.EndsWith("\n", text);
        var help = new Dictionary<string, string>();
        var types = new Dictionary<string, string>();
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n').SkipLast(1))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                var rest = line[7..];
                int sp = rest.IndexOf(' ');
                Assert.True(help.TryAdd(rest[..sp], UnescapeHelp(rest[(sp + 1)..])), $"duplicate HELP: {line}");
            }
            else if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                Assert.True(types.TryAdd(parts[0], parts[1]), $"duplicate TYPE: {line}");
            }
            else
            {
                samples.Add(ParseSample(line));
            }
        }
        return new Parsed(help, types, samples);
    }

    private static Sample ParseSample(string line)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }
        string name = line[..i];
        var labels = new Dictionary<string, string>();
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                string key = line[i..eq];
                Assert.Equal('"', line[eq + 1]);
                i = eq + 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            'n' => '\n',
                            '\\' => '\\',
                            '"' => '"',
                            _ => throw new FormatException($"bad escape \\{line[i]} in {line}"),
                        });
                    }
                    else
                    {
                        Assert.NotEqual('\n', line[i]);
                        value.Append(line[i]);
                    }
                    i++;
                }
                Assert.True(labels.TryAdd(key, value.ToString()), $"duplicate label {key} in {line}");
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }
            i++;
        }
        Assert.Equal(' ', line[i]);
        string v = line[(i + 1)..];
        double d = v switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, d);
    }

    private static string UnescapeHelp(string s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i++;
                sb.Append(s[i] == 'n' ? '\n' : s[i]);
            }
            else
            {
                sb.Append(s[i]);
            }
        }
        return sb.ToString();
    }
}
