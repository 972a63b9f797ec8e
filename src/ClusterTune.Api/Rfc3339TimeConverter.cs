using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api;

/// <summary>Writes times as Kubernetes does (UTC, "Z", seconds; microseconds only when present); reads any RFC 3339 time.</summary>
internal sealed class Rfc3339TimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var s = reader.GetString();
        if (s is null || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
            throw new JsonException($"Expected an RFC 3339 time such as 2026-11-22T06:24:06Z, got '{s}'.");
        return t;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        var utc = value.ToUniversalTime();
        var format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";
        writer.WriteStringValue(utc.ToString(format, CultureInfo.InvariantCulture));
    }
}
