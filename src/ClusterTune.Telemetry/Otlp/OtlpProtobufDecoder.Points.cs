namespace ClusterTune.Telemetry.Otlp;

/// <summary>Data points: number, histogram and summary points and the fields they share.</summary>
public static partial class OtlpProtobufDecoder
{
    private static OtlpNumberDataPoint ReadNumberPoint(ReadOnlySpan<byte> data, long baseOffset)
    {
        Dictionary<string, string>? attributes = null;
        ulong start = 0, time = 0;
        var valueKind = OtlpNumberValueKind.None;
        double dv = 0;
        long iv = 0;
        uint flags = 0;
        var r = new ProtoReader(data, baseOffset, "NumberDataPoint");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (ReadCommonPointField(ref r, f, w, 7, ref attributes, ref start, ref time))
            {
                continue;
            }
            switch (f, w)
            {
                case (4, 1):
                    dv = r.ReadDouble();
                    valueKind = OtlpNumberValueKind.Double;
                    break;
                case (6, 1):
                    iv = unchecked((long)r.ReadFixed64());
                    valueKind = OtlpNumberValueKind.Int;
                    break;
                case (8, 0):
                    flags = unchecked((uint)r.ReadVarint());
                    break;
                default:
                    r.Skip(f, w);
                    break;
            }
        }
        return new OtlpNumberDataPoint(attributes ?? NoAttributes, start, time, valueKind, dv, iv, flags);
    }

    private static OtlpHistogramDataPoint ReadHistogramPoint(ReadOnlySpan<byte> data, long baseOffset)
    {
        Dictionary<string, string>? attributes = null;
        ulong start = 0, time = 0, count = 0;
        double? sum = null, min = null, max = null;
        var buckets = new List<ulong>();
        var bounds = new List<double>();
        uint flags = 0;
        var r = new ProtoReader(data, baseOffset, "HistogramDataPoint");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (ReadCommonPointField(ref r, f, w, 9, ref attributes, ref start, ref time))
            {
                continue;
            }
            switch (f, w)
            {
                case (4, 1):
                    count = r.ReadFixed64();
                    break;
                case (5, 1):
                    sum = r.ReadDouble();
                    break;
                case (6, 1):
                    buckets.Add(r.ReadFixed64());
                    break;
                case (6, 2):
                    ReadPacked64(ref r, "HistogramDataPoint.bucket_counts", buckets, static v => v);
                    break;
                case (7, 1):
                    bounds.Add(r.ReadDouble());
                    break;
                case (7, 2):
                    ReadPacked64(ref r, "HistogramDataPoint.explicit_bounds", bounds, BitConverter.UInt64BitsToDouble);
                    break;
                case (10, 0):
                    flags = unchecked((uint)r.ReadVarint());
                    break;
                case (11, 1):
                    min = r.ReadDouble();
                    break;
                case (12, 1):
                    max = r.ReadDouble();
                    break;
                default:
                    r.Skip(f, w);
                    break;
            }
        }
        return new OtlpHistogramDataPoint(attributes ?? NoAttributes, start, time, count, sum, buckets, bounds, min, max, flags);
    }

    private static OtlpSummaryDataPoint ReadSummaryPoint(ReadOnlySpan<byte> data, long baseOffset)
    {
        Dictionary<string, string>? attributes = null;
        ulong start = 0, time = 0, count = 0;
        double sum = 0;
        var quantiles = new List<KeyValuePair<double, double>>();
        uint flags = 0;
        var r = new ProtoReader(data, baseOffset, "SummaryDataPoint");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (ReadCommonPointField(ref r, f, w, 7, ref attributes, ref start, ref time))
            {
                continue;
            }
            switch (f, w)
            {
                case (4, 1):
                    count = r.ReadFixed64();
                    break;
                case (5, 1):
                    sum = r.ReadDouble();
                    break;
                case (6, 2):
                    {
                        var qb = r.ReadBytes(out long qat);
                        var q = new ProtoReader(qb, qat, "ValueAtQuantile");
                        double quantile = 0, value = 0;
                        while (!q.End)
                        {
                            var (qf, qw) = q.ReadTag();
                            if (qf == 1 && qw == 1)
                            {
                                quantile = q.ReadDouble();
                            }
                            else if (qf == 2 && qw == 1)
                            {
                                value = q.ReadDouble();
                            }
                            else
                            {
                                q.Skip(qf, qw);
                            }
                        }
                        quantiles.Add(new(quantile, value));
                        break;
                    }
                case (8, 0):
                    flags = unchecked((uint)r.ReadVarint());
                    break;
                default:
                    r.Skip(f, w);
                    break;
            }
        }
        return new OtlpSummaryDataPoint(attributes ?? NoAttributes, start, time, count, sum, quantiles, flags);
    }

    /// <summary>Fields every data point shares: attributes (field number differs per type), start and time.</summary>
    private static bool ReadCommonPointField(ref ProtoReader r, int f, int w, int attributesField, ref Dictionary<string, string>? attributes,
        ref ulong start, ref ulong time)
    {
        if (f == attributesField && w == 2)
        {
            var kv = r.ReadBytes(out long at);
            // Most points carry no attributes: allocate the dictionary only when one arrives.
            attributes ??= new Dictionary<string, string>(StringComparer.Ordinal);
            ReadKeyValue(kv, at, attributes, 0);
        }
        else if (f == 2 && w == 1)
        {
            start = r.ReadFixed64();
        }
        else if (f == 3 && w == 1)
        {
            time = r.ReadFixed64();
        }
        else
        {
            return false;
        }
        return true;
    }

    /// <summary>A packed repeated fixed64/double field: a length-delimited run of 8-byte little-endian values.</summary>
    private static void ReadPacked64<T>(ref ProtoReader r, string field, List<T> into, Func<ulong, T> convert)
    {
        var packed = r.ReadBytes(out long at);
        var p = new ProtoReader(packed, at, field);
        if (packed.Length % 8 != 0)
        {
            throw p.Error($"packed 64-bit length {packed.Length} is not a multiple of 8");
        }
        while (!p.End)
        {
            into.Add(convert(p.ReadFixed64()));
        }
    }
}
