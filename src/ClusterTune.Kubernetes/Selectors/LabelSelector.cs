using System.Text;

namespace ClusterTune.Kubernetes.Selectors;

/// <summary>A parsed label selector (equality- and set-based), matchable locally and printable for the API.</summary>
public sealed class LabelSelector
{
    private LabelSelector(IReadOnlyList<LabelRequirement> requirements) => Requirements = requirements;

    /// <summary>The selector that matches everything.</summary>
    public static LabelSelector Everything { get; } = new(Array.Empty<LabelRequirement>());

    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>key1=value1,key2=value2 (keys sorted, so equal maps give equal strings).</summary>
    public static LabelSelector FromLabels(IReadOnlyDictionary<string, string> labels) =>
        new(labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new LabelRequirement(kv.Key, LabelOperator.Equals, new[] { kv.Value })).ToList());

    /// <summary>Parses Kubernetes selector syntax: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var reqs = new List<LabelRequirement>();
        foreach (var part in SplitTopLevel(text))
        {
            reqs.Add(ParseRequirement(part.Trim(), text));
        }

        return new LabelSelector(reqs);
    }

    /// <summary>True when every requirement holds for the labels (null labels = none).</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels) => Requirements.All(r => r.Matches(labels));

    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    private static LabelRequirement ParseRequirement(string s, string whole)
    {
        if (s.Length == 0)
        {
            throw new FormatException($"Label selector '{whole}' has an empty requirement (check for doubled commas).");
        }

        if (s[0] == '!')
        {
            return new LabelRequirement(ValidKey(s[1..].Trim(), whole), LabelOperator.DoesNotExist, Array.Empty<string>());
        }

        var words = s.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2 && (words[1].StartsWith("in ", StringComparison.Ordinal) || words[1].StartsWith("in(", StringComparison.Ordinal)
                                  || words[1].StartsWith("notin", StringComparison.Ordinal)))
        {
            var notIn = words[1].StartsWith("notin", StringComparison.Ordinal);
            var rest = words[1][(notIn ? 5 : 2)..].Trim();
            if (rest.Length < 2 || rest[0] != '(' || rest[^1] != ')')
            {
                throw new FormatException($"Label selector '{whole}': set requirement '{s}' needs values in parentheses, e.g. key in (a,b).");
            }

            var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (values.Length == 0)
            {
                throw new FormatException($"Label selector '{whole}': set requirement '{s}' needs at least one value.");
            }

            return new LabelRequirement(ValidKey(words[0], whole), notIn ? LabelOperator.NotIn : LabelOperator.In, values);
        }
        int i;
        if ((i = s.IndexOf("!=", StringComparison.Ordinal)) > 0)
        {
            return new LabelRequirement(ValidKey(s[..i].Trim(), whole), LabelOperator.NotEquals, new[] { s[(i + 2)..].Trim() });
        }

        if ((i = s.IndexOf("==", StringComparison.Ordinal)) > 0)
        {
            return new LabelRequirement(ValidKey(s[..i].Trim(), whole), LabelOperator.Equals, new[] { s[(i + 2)..].Trim() });
        }

        if ((i = s.IndexOf('=')) > 0)
        {
            return new LabelRequirement(ValidKey(s[..i].Trim(), whole), LabelOperator.Equals, new[] { s[(i + 1)..].Trim() });
        }

        return new LabelRequirement(ValidKey(s, whole), LabelOperator.Exists, Array.Empty<string>());
    }

    private static string ValidKey(string key, string whole)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '=' or '!'))
        {
            throw new FormatException($"Label selector '{whole}': '{key}' is not a valid label key.");
        }

        return key;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')')
            {
                depth--;
            }

            if (c == ',' && depth == 0)
            {
                yield return current.ToString();
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        if (depth != 0)
        {
            throw new FormatException($"Label selector '{text}' has unbalanced parentheses.");
        }

        yield return current.ToString();
    }
}
