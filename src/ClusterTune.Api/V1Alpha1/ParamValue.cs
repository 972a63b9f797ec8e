using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClusterTune.Api.V1Alpha1;

/// <summary>A JSON scalar hyperparameter value: a number, a string or a boolean (never null, object or array).</summary>
[JsonConverter(typeof(ParamValueJsonConverter))]
public readonly record struct ParamValue
{
    private ParamValue(ParamValueKind kind, double number, string? text, bool flag)
    {
        Kind = kind;
        Number = number;
        Text = text;
        Flag = flag;
    }

    public ParamValueKind Kind { get; }
    /// <summary>The value when <see cref="Kind"/> is Number (integers are exact up to 2^53).</summary>
    public double Number { get; }
    /// <summary>The value when <see cref="Kind"/> is String.</summary>
    public string? Text { get; }
    /// <summary>The value when <see cref="Kind"/> is Boolean.</summary>
    public bool Flag { get; }

    public bool IsNumber => Kind == ParamValueKind.Number;
    public bool IsInteger => Kind == ParamValueKind.Number && Math.Floor(Number) == Number && !double.IsInfinity(Number);

    public static ParamValue Of(double value) =>
        double.IsFinite(value) ? new(ParamValueKind.Number, value, null, false)
        : throw new ArgumentOutOfRangeException(nameof(value), value, "Parameter values must be finite numbers (JSON has no NaN or Infinity).");
    public static ParamValue Of(long value) => new(ParamValueKind.Number, value, null, false);
    public static ParamValue Of(string value) => new(ParamValueKind.String, 0, value ?? throw new ArgumentNullException(nameof(value)), false);
    public static ParamValue Of(bool value) => new(ParamValueKind.Boolean, 0, null, value);

    public static implicit operator ParamValue(double value) => Of(value);
    public static implicit operator ParamValue(int value) => Of(value);
    public static implicit operator ParamValue(long value) => Of(value);
    public static implicit operator ParamValue(string value) => Of(value);
    public static implicit operator ParamValue(bool value) => Of(value);

    /// <summary>The number, or an exception naming the actual kind.</summary>
    public double AsDouble() => IsNumber ? Number : throw new InvalidOperationException($"Parameter value {this} is a {Kind}, not a number.");

    /// <summary>The integer, or an exception when the value is not an integral number.</summary>
    public long AsInt64() => IsInteger ? (long)Number : throw new InvalidOperationException($"Parameter value {this} is not an integer.");

    /// <summary>The value as a plain CLR object: long for integral numbers, double for others, string or bool.</summary>
    public object ToObject() => Kind switch
    {
        ParamValueKind.Number when IsInteger && Math.Abs(Number) < 9.007199254740992E15 => (long)Number,
        ParamValueKind.Number => Number,
        ParamValueKind.String => Text!,
        _ => Flag,
    };

    /// <summary>The ParamValue of a CLR number, string or bool (what search algorithms hand out).</summary>
    public static ParamValue FromObject(object value) => value switch
    {
        ParamValue p => p,
        string s => Of(s),
        bool b => Of(b),
        long l => Of(l),
        int i => Of(i),
        short sh => Of(sh),
        double d => Of(d),
        float f => Of(f),
        decimal m => Of((double)m),
        _ => throw new ArgumentException($"A parameter value must be a number, string or bool, not {value?.GetType().Name ?? "null"}.", nameof(value)),
    };

    /// <summary>The value as a label or attribute carries it: a string as it is, a number or boolean as JSON writes it.</summary>
    public string ToText() => Kind == ParamValueKind.String ? Text! : ToString();

    /// <summary>The value as JSON text (numbers in shortest round-trip form, strings quoted).</summary>
    public override string ToString() => Kind switch
    {
        ParamValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        ParamValueKind.String => JsonSerializer.Serialize(Text),
        _ => Flag ? "true" : "false",
    };
}
