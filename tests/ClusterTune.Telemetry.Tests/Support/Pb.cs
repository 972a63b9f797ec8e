using System.Buffers.Binary;
using System.Text;

namespace ClusterTune.Telemetry.Tests.Support;

/// <summary>Test-only protobuf encoder: builds OTLP messages field by field so tests control every byte.</summary>
internal static class Pb
{
    public static byte[] Tag(int field, int wireType) => RawVarint(((ulong)field << 3) | (uint)wireType);

    public static byte[] RawVarint(ulong v)
    {
        var b = new List<byte>();
        while (v >= 0x80)
        {
            b.Add((byte)(v | 0x80));
            v >>= 7;
        }
        b.Add((byte)v);
        return b.ToArray();
    }

    public static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Cat(IEnumerable<byte[]> parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Varint(int field, ulong v) => Cat(Tag(field, 0), RawVarint(v));

    public static byte[] Fixed64(int field, ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return Cat(Tag(field, 1), b);
    }

    public static byte[] Fixed32(int field, uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return Cat(Tag(field, 5), b);
    }

    public static byte[] Double(int field, double v) => Fixed64(field, BitConverter.DoubleToUInt64Bits(v));

    public static byte[] Len(int field, byte[] payload) => Cat(Tag(field, 2), RawVarint((ulong)payload.Length), payload);

    public static byte[] Str(int field, string s) => Len(field, Encoding.UTF8.GetBytes(s));

    public static byte[] PackedFixed64(int field, params ulong[] values) =>
        Len(field, values.SelectMany(v => { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }).ToArray());

    public static byte[] PackedDouble(int field, params double[] values) =>
        PackedFixed64(field, values.Select(BitConverter.DoubleToUInt64Bits).ToArray());

    // --- OTLP messages ---
    public static byte[] KeyValue(string key, string value) => Cat(Str(1, key), Len(2, Str(1, value)));

    public static byte[] KeyValueAny(string key, byte[] anyValue) => Cat(Str(1, key), Len(2, anyValue));

    public static byte[] Attr(int field, string key, string value) => Len(field, KeyValue(key, value));

    public static byte[] Request(params byte[][] resourceMetrics) => Cat(resourceMetrics.Select(r => Len(1, r)));

    public static byte[] Resource(params (string Key, string Value)[] attributes) =>
        Len(1, Cat(attributes.Select(a => Attr(1, a.Key, a.Value))));

    public static byte[] ResourceMetrics(byte[] resource, params byte[][] scopeMetrics) =>
        Cat(resource, Cat(scopeMetrics.Select(s => Len(2, s))));

    public static byte[] ScopeMetrics(string scopeName, params byte[][] metrics) =>
        Cat(Len(1, Str(1, scopeName)), Cat(metrics.Select(m => Len(2, m))));

    public static byte[] Metric(string name, string unit, int dataField, byte[] data) =>
        Cat(Str(1, name), Str(3, unit), Len(dataField, data));

    public static byte[] Gauge(string name, params byte[][] points) =>
        Metric(name, "1", 5, Cat(points.Select(p => Len(1, p))));

    public static byte[] Sum(string name, int temporality, bool monotonic, params byte[][] points) =>
        Metric(name, "{token}", 7, Cat(Cat(points.Select(p => Len(1, p))), Varint(2, (ulong)temporality), Varint(3, monotonic ? 1UL : 0UL)));

    public static byte[] DoublePoint(ulong time, double value, params (string Key, string Value)[] attributes) =>
        Cat(Cat(attributes.Select(a => Attr(7, a.Key, a.Value))), Fixed64(3, time), Double(4, value));

    public static byte[] IntPoint(ulong start, ulong time, long value) =>
        Cat(Fixed64(2, start), Fixed64(3, time), Fixed64(6, unchecked((ulong)value)));

    /// <summary>A complete one-trial request with the given metrics.</summary>
    public static byte[] TrialRequest(TrialKey trial, params byte[][] metrics) =>
        Request(ResourceMetrics(
            Resource(("k8s.namespace.name", trial.Namespace), ("clustertune.job.name", trial.Job), ("clustertune.trial.id", trial.Trial)),
            ScopeMetrics("test", metrics)));

    /// <summary>A google.rpc.Status response body: its code and message.</summary>
    public static (long Code, string Message) ReadStatus(byte[] body)
    {
        // google.rpc.Status: code = 1 (varint), message = 2 (string); decoded with the production reader's wire rules.
        long code = 0;
        string message = "";
        int i = 0;
        while (i < body.Length)
        {
            int tag = body[i++];
            if (tag == 0x08)
            {
                code = body[i++];
            }
            else if (tag == 0x12)
            {
                int len = 0, shift = 0;
                byte b;
                do
                {
                    b = body[i++];
                    len |= (b & 0x7F) << shift;
                    shift += 7;
                }
                while ((b & 0x80) != 0);
                message = Encoding.UTF8.GetString(body, i, len);
                i += len;
            }
            else
            {
                throw new InvalidDataException($"unexpected tag {tag}");
            }
        }
        return (code, message);
    }
}
