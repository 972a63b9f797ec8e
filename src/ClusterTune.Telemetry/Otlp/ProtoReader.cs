using System.Buffers.Binary;

namespace ClusterTune.Telemetry.Otlp;

/// <summary>Bounds-checked protobuf wire reader over a span; every error names the absolute byte offset.</summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _base;
    private readonly string _message;
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data, long baseOffset, string message)
    {
        _data = data;
        _base = baseOffset;
        _message = message;
        _pos = 0;
    }

    public readonly bool End => _pos >= _data.Length;

    public readonly long Offset => _base + _pos;

    public OtlpDecodeException Error(string what, long? at = null) =>
        new($"invalid OTLP protobuf at byte offset {at ?? Offset} in {_message}: {what}", at ?? Offset);

    /// <summary>Reads a tag; returns field number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        long at = Offset;
        ulong tag = ReadVarint();
        int wireType = (int)(tag & 7);
        ulong field = tag >> 3;
        if (field == 0 || field > 536_870_911)
        {
            throw Error($"field number {field} is out of range (tag 0x{tag:x})", at);
        }
        return ((int)field, wireType);
    }

    public ulong ReadVarint()
    {
        long at = Offset;
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _data.Length)
            {
                throw Error("truncated varint", at);
            }
            byte b = _data[_pos++];
            if (shift == 63 && b > 1)
            {
                throw Error("varint overflows 64 bits", at);
            }
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
        throw Error("varint longer than 10 bytes", at);
    }

    public ulong ReadFixed64()
    {
        if (_data.Length - _pos < 8)
        {
            throw Error($"truncated 64-bit value: need 8 bytes, {_data.Length - _pos} left");
        }
        ulong v = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_pos, 8));
        _pos += 8;
        return v;
    }

    public uint ReadFixed32()
    {
        if (_data.Length - _pos < 4)
        {
            throw Error($"truncated 32-bit value: need 4 bytes, {_data.Length - _pos} left");
        }
        uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos, 4));
        _pos += 4;
        return v;
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    /// <summary>Reads a length-delimited payload; returns it with its absolute offset.</summary>
    public ReadOnlySpan<byte> ReadBytes(out long offset)
    {
        long at = Offset;
        ulong len = ReadVarint();
        int left = _data.Length - _pos;
        if (len > (ulong)left)
        {
            throw Error($"length {len} exceeds the {left} bytes left", at);
        }
        offset = Offset;
        var slice = _data.Slice(_pos, (int)len);
        _pos += (int)len;
        return slice;
    }

    public string ReadString()
    {
        var bytes = ReadBytes(out long at);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw Error("string is not valid UTF-8", at);
        }
    }

    /// <summary>Skips a field by wire type (forward compatibility: unknown and mismatched fields).</summary>
    public void Skip(int field, int wireType, int depth = 0)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                ReadFixed64();
                break;
            case 2:
                ReadBytes(out _);
                break;
            case 5:
                ReadFixed32();
                break;
            case 3:
                if (depth > 32)
                {
                    throw Error("groups nested deeper than 32");
                }
                while (true)
                {
                    if (End)
                    {
                        throw Error($"group for field {field} is not closed");
                    }
                    var (f, w) = ReadTag();
                    if (w == 4)
                    {
                        if (f != field)
                        {
                            throw Error($"end-group for field {f} closes group of field {field}");
                        }
                        return;
                    }
                    Skip(f, w, depth + 1);
                }
            case 4:
                throw Error($"unexpected end-group for field {field}");
            default:
                throw Error($"invalid wire type {wireType} for field {field}");
        }
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(false, true);
}
