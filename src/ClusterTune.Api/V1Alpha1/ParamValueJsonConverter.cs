using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>Reads and writes <see cref="ParamValue"/> as a bare JSON scalar; objects, arrays and null are rejected.</summary>
internal sealed class ParamValueJsonConverter : JsonConverter<ParamValue>
{
    public override ParamValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => ParamValue.Of(reader.GetDouble()),
            JsonTokenType.String => ParamValue.Of(reader.GetString()!),
            JsonTokenType.True => ParamValue.Of(true),
            JsonTokenType.False => ParamValue.Of(false),
            _ => throw new JsonException($"A parameter value must be a number, string or boolean, not {reader.TokenType}."),
        };

    public override void Write(Utf8JsonWriter writer, ParamValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case ParamValueKind.Number when value.IsInteger && Math.Abs(value.Number) < 9.007199254740992E15:
                writer.WriteNumberValue((long)value.Number);
                break;
            case ParamValueKind.Number:
                writer.WriteNumberValue(value.Number);
                break;
            case ParamValueKind.String:
                writer.WriteStringValue(value.Text);
                break;
            default:
                writer.WriteBooleanValue(value.Flag);
                break;
        }
    }
}
