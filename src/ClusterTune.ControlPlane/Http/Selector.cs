using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Json;

namespace ClusterTune.ControlPlane.Http;

/// <summary>
/// Parsed label or field selector. Labels support =, ==, !=, in, notin, exists and !exists; fields support
/// =, == and != on any dotted path (metadata.name, spec.nodeName, status.phase, involvedObject.uid, ...).
/// </summary>
internal sealed class Selector
{
    private readonly List<Requirement> _requirements;
    private readonly bool _fields;

    private Selector(List<Requirement> requirements, bool fields)
    {
        _requirements = requirements;
        _fields = fields;
    }

    public bool IsEmpty => _requirements.Count == 0;

    private sealed record Requirement(string Key, string Op, HashSet<string> Values);

    public static Selector Everything { get; } = new([], false);

    public static Selector ParseLabels(string? text) => new(Parse(text, fields: false), false);

    public static Selector ParseFields(string? text) => new(Parse(text, fields: true), true);

    public bool Matches(JsonObject obj)
    {
        foreach (var r in _requirements)
        {
            string? value;
            bool present;
            if (_fields)
            {
                value = JsonUtil.ScalarText(JsonUtil.Path(obj, r.Key)) ?? "";
                present = true;
            }
            else
            {
                var labels = obj["metadata"]?["labels"] as JsonObject;
                present = labels is not null && labels.ContainsKey(r.Key);
                value = present ? JsonUtil.ScalarText(labels![r.Key]) : null;
            }

            var ok = r.Op switch
            {
                "=" => present && r.Values.Contains(value ?? ""),
                "!=" => !present || !r.Values.Contains(value ?? ""),
                "in" => present && r.Values.Contains(value ?? ""),
                "notin" => !present || !r.Values.Contains(value ?? ""),
                "exists" => present,
                "!" => !present,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static List<Requirement> Parse(string? text, bool fields)
    {
        var result = new List<Requirement>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }

        foreach (var part in SplitTopLevel(text))
        {
            var p = part.Trim();
            if (p.Length == 0)
            {
                continue;
            }

            var notIn = IndexOfWord(p, "notin");
            var inIdx = IndexOfWord(p, "in");
            if (!fields && (notIn > 0 || inIdx > 0))
            {
                var idx = notIn > 0 ? notIn : inIdx;
                var op = notIn > 0 ? "notin" : "in";
                var key = p[..idx].Trim();
                var rest = p[(idx + op.Length)..].Trim();
                if (!rest.StartsWith('(') || !rest.EndsWith(')'))
                {
                    throw Errors.BadRequest($"unable to parse requirement: found '{rest}', expected: '('");
                }

                var values = rest[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                result.Add(new Requirement(CheckKey(key, fields), op, values));
            }
            else if (p.Contains("!="))
            {
                var i = p.IndexOf("!=", StringComparison.Ordinal);
                result.Add(new Requirement(CheckKey(p[..i].Trim(), fields), "!=", [p[(i + 2)..].Trim()]));
            }
            else if (p.Contains("=="))
            {
                var i = p.IndexOf("==", StringComparison.Ordinal);
                result.Add(new Requirement(CheckKey(p[..i].Trim(), fields), "=", [p[(i + 2)..].Trim()]));
            }
            else if (p.Contains('='))
            {
                var i = p.IndexOf('=');
                result.Add(new Requirement(CheckKey(p[..i].Trim(), fields), "=", [p[(i + 1)..].Trim()]));
            }
            else if (!fields && p.StartsWith('!'))
            {
                result.Add(new Requirement(CheckKey(p[1..].Trim(), fields), "!", []));
            }
            else if (!fields)
            {
                result.Add(new Requirement(CheckKey(p, fields), "exists", []));
            }
            else
            {
                throw Errors.BadRequest($"invalid selector: '{text}'; can't understand '{p}'");
            }
        }

        return result;
    }

    private static string CheckKey(string key, bool fields)
    {
        if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or ',' or '!' or '='))
        {
            throw Errors.BadRequest($"unable to parse requirement: invalid {(fields ? "field" : "label")} key: \"{key}\"");
        }

        return key;
    }

    private static int IndexOfWord(string p, string word)
    {
        var i = p.IndexOf(" " + word, StringComparison.Ordinal);
        if (i < 0)
        {
            return -1;
        }

        var after = i + 1 + word.Length;
        return after < p.Length && (p[after] == ' ' || p[after] == '(') ? i + 1 : -1;
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }
}
