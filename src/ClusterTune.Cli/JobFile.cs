using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.Api;
using ClusterTune.Api.Contract;
using ClusterTune.Api.V1Alpha1;
using ClusterTune.ControlPlane.Json;
using k8s.Models;

namespace ClusterTune.Cli;

/// <summary>Reads a FineTuneJob from a YAML or JSON file; errors say what is wrong and where.</summary>
internal static class JobFile
{
    /// <summary>Largest job file read (kube-apiserver's 3 MiB request body limit: a larger object could not be applied anyway).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>The FineTuneJob in <paramref name="path"/> (the first document of kind FineTuneJob).</summary>
    public static FineTuneJob Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FormatException($"{path}: no such file");
        }

        var size = new FileInfo(path).Length;
        if (size > MaxBytes)
        {
            throw new FormatException($"{path}: {size} bytes is more than a FineTuneJob may have ({MaxBytes}, the API server's request limit)");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The FineTuneJob in YAML/JSON <paramref name="text"/>; <paramref name="source"/> names it in errors.</summary>
    public static FineTuneJob Parse(string text, string source)
    {
        List<JsonNode> docs;
        try
        {
            docs = YamlJson.ParseDocuments(text);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            throw new FormatException($"{source}: {e.Message}", e);
        }

        var doc = docs.OfType<JsonObject>().FirstOrDefault(d => (string?)d["kind"] == FineTuneJob.KindName)
            ?? throw new FormatException($"{source}: no document with kind: {FineTuneJob.KindName} (apiVersion {ApiGroup.ApiVersion})");
        if ((string?)doc["apiVersion"] != ApiGroup.ApiVersion)
        {
            throw new FormatException($"{source}: apiVersion must be {ApiGroup.ApiVersion}, got '{doc["apiVersion"]}'");
        }

        CheckQuantities(doc, source);
        try
        {
            return doc.Deserialize<FineTuneJob>(ApiJson.Options) ?? throw new FormatException($"{source}: empty FineTuneJob");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {(e.Path is { } p ? p.TrimStart('$', '.') + ": " : "")}{e.Message}", e);
        }
    }

    // ResourceQuantity refuses a malformed quantity while decoding, without saying where; find it first.
    private static void CheckQuantities(JsonObject doc, string source)
    {
        foreach (var kind in new[] { "requests", "limits" })
        {
            if (doc["spec"]?["trainer"]?["resources"]?[kind] is not JsonObject quantities)
            {
                continue;
            }

            foreach (var (name, value) in quantities)
            {
                var text = value is JsonValue v ? v.ToString() : value?.ToJsonString();
                try
                {
                    _ = new ResourceQuantity(text);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
                {
                    throw new FormatException($"{source}: spec.trainer.resources.{kind}[{name}]: '{text}' is not a resource quantity; write e.g. 2, 500m (CPU) or 4Gi (memory)", e);
                }
            }
        }
    }
}
