using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterTune.ControlPlane.Resources;

namespace ClusterTune.ControlPlane.Http;

/// <summary>Serializes stored objects without copying them, rewriting apiVersion to the version requested.</summary>
internal static class ObjectWriter
{
    public static void WriteObject(Utf8JsonWriter w, JsonObject obj, ResourceType? type, bool includeTypeMeta = true)
    {
        if (type?.FromStorage is { } convert)
        {
            obj = convert(obj);
        }

        w.WriteStartObject();
        if (includeTypeMeta && type is not null)
        {
            w.WriteString("kind", type.Kind);
            w.WriteString("apiVersion", type.ApiVersion);
        }

        foreach (var (key, value) in obj)
        {
            if (type is not null && key is "kind" or "apiVersion")
            {
                continue;
            }

            w.WritePropertyName(key);
            if (value is null)
            {
                w.WriteNullValue();
            }
            else
            {
                value.WriteTo(w);
            }
        }

        w.WriteEndObject();
    }

    // Go's encoding/json escapes only what JSON requires (plus <, >, &); relaxed escaping keeps bodies readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] ToBytes(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            write(w);
        }

        return ms.ToArray();
    }

    public static byte[] ToBytes(JsonObject obj, ResourceType? type) => ToBytes(w => WriteObject(w, obj, type));
}
