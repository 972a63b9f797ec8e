using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Quantities arrive as `1` or `"1"` (int-or-string); they are always written as strings like the API server does.</summary>
internal sealed class QuantityJsonConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.String => new Quantity(reader.GetString()!),
            JsonTokenType.Number => new Quantity(reader.TryGetInt64(out var l)
                ? l.ToString(CultureInfo.InvariantCulture)
                : reader.GetDouble().ToString("R", CultureInfo.InvariantCulture)),
            _ => throw new JsonException($"A resource quantity must be a string such as \"2Gi\" or a number, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
