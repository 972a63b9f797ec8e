using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Kubernetes.Serialization;

/// <summary>metav1.Time: RFC 3339 in UTC with whole seconds, e.g. 2026-11-22T06:24:07Z.</summary>
public sealed class TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ParseRfc3339(reader.GetString());

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    internal static DateTimeOffset ParseRfc3339(string? text)
    {
        if (string.IsNullOrEmpty(text))
            throw new JsonException("Expected an RFC 3339 time string, got an empty value.");
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            throw new JsonException($"'{text}' is not an RFC 3339 time (expected e.g. 2026-11-22T06:24:07Z).");
        return value;
    }
}
