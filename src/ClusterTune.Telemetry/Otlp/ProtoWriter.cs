using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ClusterTune.Telemetry.Otlp;

/// <summary>Minimal protobuf writer for the small response messages the receiver sends.</summary>
internal sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> _out = new();

    public ProtoWriter Varint(int field, ulong value)
    {
        WriteRawVarint(((ulong)field << 3) | 0);
        WriteRawVarint(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        WriteRawVarint(((ulong)field << 3) | 2);
        WriteRawVarint((ulong)value.Length);
        _out.Write(value);
        return this;
    }

    public ProtoWriter Fixed64(int field, ulong value)
    {
        WriteRawVarint(((ulong)field << 3) | 1);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        _out.Write(b);
        return this;
    }

    public byte[] ToArray() => _out.WrittenSpan.ToArray();

    private void WriteRawVarint(ulong v)
    {
        while (v >= 0x80)
        {
            _out.Write([(byte)(v | 0x80)]);
            v >>= 7;
        }
        _out.Write([(byte)v]);
    }
}
