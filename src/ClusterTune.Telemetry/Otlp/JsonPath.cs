using System.Text;

namespace ClusterTune.Telemetry.Otlp;

/// <summary>Where the JSON decoder is, as a linked path; the text ($.a[0].b) is built only for an error message.</summary>
internal sealed class JsonPath
{
    public static readonly JsonPath Root = new(null, null, -1);

    private readonly JsonPath? _parent;
    private readonly string? _name;
    private readonly int _index;

    private JsonPath(JsonPath? parent, string? name, int index)
    {
        _parent = parent;
        _name = name;
        _index = index;
    }

    /// <summary>The member <paramref name="name"/> of this object.</summary>
    public JsonPath Field(string name) => new(this, name, -1);

    /// <summary>Element <paramref name="index"/> of the array member <paramref name="name"/>.</summary>
    public JsonPath Index(string name, int index) => new(this, name, index);

    public override string ToString()
    {
        var parts = new Stack<JsonPath>();
        for (var p = this; p._parent is not null; p = p._parent)
        {
            parts.Push(p);
        }
        var sb = new StringBuilder("$");
        foreach (var p in parts)
        {
            sb.Append('.').Append(p._name);
            if (p._index >= 0)
            {
                sb.Append('[').Append(p._index).Append(']');
            }
        }
        return sb.ToString();
    }
}
