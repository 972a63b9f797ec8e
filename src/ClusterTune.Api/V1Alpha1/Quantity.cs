using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A Kubernetes resource quantity ("2", "500m", "4Gi"); accepts a JSON number or string, writes a string.</summary>
[JsonConverter(typeof(QuantityJsonConverter))]
public readonly record struct Quantity(string Value)
{
    public static implicit operator Quantity(string value) => new(value);
    public static implicit operator Quantity(int value) => new(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>True when the quantity is a plain non-negative integer such as "1" (how extended resources like GPUs are counted).</summary>
    public bool TryGetInteger(out long value) =>
        long.TryParse(Value, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Whether the text is a well-formed Kubernetes quantity (sign, decimal number, optional suffix).</summary>
    public bool IsWellFormed() => QuantityGrammar.IsMatch(Value ?? "");

    public override string ToString() => Value;

    private static readonly System.Text.RegularExpressions.Regex QuantityGrammar = new(
        @"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}
