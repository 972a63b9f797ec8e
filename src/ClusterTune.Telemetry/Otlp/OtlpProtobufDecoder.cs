namespace ClusterTune.Telemetry.Otlp;

/// <summary>
/// Hand-written decoder for the ExportMetricsServiceRequest subset ClusterTune reads. Unknown fields (and fields
/// with an unexpected wire type) are skipped, packed and unpacked repeated scalars are both accepted, the last
/// oneof member wins, and every malformed input raises <see cref="OtlpDecodeException"/> with the byte offset.
/// </summary>
public static partial class OtlpProtobufDecoder
{
    private const int MaxAnyValueDepth = 16;

    /// <summary>Shared empty attribute set (read-only) for points without attributes.</summary>
    private static readonly IReadOnlyDictionary<string, string> NoAttributes = new Dictionary<string, string>(StringComparer.Ordinal).AsReadOnly();

    /// <summary>Decodes a binary ExportMetricsServiceRequest; throws <see cref="OtlpDecodeException"/> on bad input.</summary>
    public static OtlpExportRequest Decode(ReadOnlySpan<byte> body)
    {
        var resources = new List<OtlpResourceMetrics>();
        var r = new ProtoReader(body, 0, "ExportMetricsServiceRequest");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (f == 1 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                resources.Add(ReadResourceMetrics(bytes, at));
            }
            else
            {
                r.Skip(f, w);
            }
        }
        return new OtlpExportRequest(resources);
    }

    private static OtlpResourceMetrics ReadResourceMetrics(ReadOnlySpan<byte> data, long baseOffset)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var scopes = new List<OtlpScopeMetrics>();
        var r = new ProtoReader(data, baseOffset, "ResourceMetrics");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (f == 1 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                ReadResource(bytes, at, attributes);
            }
            else if (f == 2 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                scopes.Add(ReadScopeMetrics(bytes, at));
            }
            else
            {
                r.Skip(f, w);
            }
        }
        return new OtlpResourceMetrics(attributes, scopes);
    }

    private static void ReadResource(ReadOnlySpan<byte> data, long baseOffset, Dictionary<string, string> attributes)
    {
        var r = new ProtoReader(data, baseOffset, "Resource");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (f == 1 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                ReadKeyValue(bytes, at, attributes, 0);
            }
            else
            {
                r.Skip(f, w);
            }
        }
    }

    private static OtlpScopeMetrics ReadScopeMetrics(ReadOnlySpan<byte> data, long baseOffset)
    {
        string name = "", version = "";
        var metrics = new List<OtlpMetric>();
        var r = new ProtoReader(data, baseOffset, "ScopeMetrics");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (f == 1 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                var s = new ProtoReader(bytes, at, "InstrumentationScope");
                while (!s.End)
                {
                    var (sf, sw) = s.ReadTag();
                    if (sf == 1 && sw == 2)
                    {
                        name = s.ReadString();
                    }
                    else if (sf == 2 && sw == 2)
                    {
                        version = s.ReadString();
                    }
                    else
                    {
                        s.Skip(sf, sw);
                    }
                }
            }
            else if (f == 2 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                metrics.Add(ReadMetric(bytes, at));
            }
            else
            {
                r.Skip(f, w);
            }
        }
        return new OtlpScopeMetrics(name, version, metrics);
    }

    private static OtlpMetric ReadMetric(ReadOnlySpan<byte> data, long baseOffset)
    {
        string name = "", description = "", unit = "";
        var kind = OtlpMetricKind.None;
        var temporality = OtlpAggregationTemporality.Unspecified;
        bool monotonic = false;
        var numbers = new List<OtlpNumberDataPoint>();
        var histograms = new List<OtlpHistogramDataPoint>();
        var summaries = new List<OtlpSummaryDataPoint>();
        int expCount = 0;
        var r = new ProtoReader(data, baseOffset, "Metric");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (w != 2 || f is not (1 or 2 or 3 or 5 or 7 or 9 or 10 or 11))
            {
                r.Skip(f, w);
                continue;
            }
            if (f == 1)
            {
                name = r.ReadString();
                continue;
            }
            if (f == 2)
            {
                description = r.ReadString();
                continue;
            }
            if (f == 3)
            {
                unit = r.ReadString();
                continue;
            }
            var newKind = f switch
            {
                5 => OtlpMetricKind.Gauge,
                7 => OtlpMetricKind.Sum,
                9 => OtlpMetricKind.Histogram,
                10 => OtlpMetricKind.ExponentialHistogram,
                _ => OtlpMetricKind.Summary,
            };
            if (newKind != kind)
            {
                // A different oneof member replaces the previous one; the same member repeated merges (protobuf rules).
                kind = newKind;
                temporality = OtlpAggregationTemporality.Unspecified;
                monotonic = false;
                numbers.Clear();
                histograms.Clear();
                summaries.Clear();
                expCount = 0;
            }
            var bytes = r.ReadBytes(out long at);
            var d = new ProtoReader(bytes, at, kind.ToString());
            while (!d.End)
            {
                var (df, dw) = d.ReadTag();
                if (df == 1 && dw == 2)
                {
                    var pb = d.ReadBytes(out long pat);
                    switch (kind)
                    {
                        case OtlpMetricKind.Gauge or OtlpMetricKind.Sum:
                            numbers.Add(ReadNumberPoint(pb, pat));
                            break;
                        case OtlpMetricKind.Histogram:
                            histograms.Add(ReadHistogramPoint(pb, pat));
                            break;
                        case OtlpMetricKind.Summary:
                            summaries.Add(ReadSummaryPoint(pb, pat));
                            break;
                        default:
                            expCount++;
                            break;
                    }
                }
                else if (df == 2 && dw == 0 && kind is OtlpMetricKind.Sum or OtlpMetricKind.Histogram or OtlpMetricKind.ExponentialHistogram)
                {
                    long tAt = d.Offset;
                    ulong t = d.ReadVarint();
                    if (t > 2)
                    {
                        throw d.Error($"aggregation_temporality {t} is not 0, 1 or 2", tAt);
                    }
                    temporality = (OtlpAggregationTemporality)t;
                }
                else if (df == 3 && dw == 0 && kind == OtlpMetricKind.Sum)
                {
                    monotonic = d.ReadVarint() != 0;
                }
                else
                {
                    d.Skip(df, dw);
                }
            }
        }
        return new OtlpMetric(name, description, unit, kind, temporality, monotonic, numbers, histograms, summaries, expCount);
    }

    private static void ReadKeyValue(ReadOnlySpan<byte> data, long baseOffset, Dictionary<string, string> into, int depth)
    {
        var (key, text, _) = ReadKeyValuePair(data, baseOffset, depth);
        into[key] = text;
    }

    private static (string Key, string Text, bool IsString) ReadKeyValuePair(ReadOnlySpan<byte> data, long baseOffset, int depth)
    {
        string key = "";
        (string Text, bool IsString) value = ("", true);
        var r = new ProtoReader(data, baseOffset, "KeyValue");
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            if (f == 1 && w == 2)
            {
                key = r.ReadString();
            }
            else if (f == 2 && w == 2)
            {
                var bytes = r.ReadBytes(out long at);
                value = ReadAnyValue(bytes, at, depth);
            }
            else
            {
                r.Skip(f, w);
            }
        }
        return (key, value.Text, value.IsString);
    }

    private static (string Text, bool IsString) ReadAnyValue(ReadOnlySpan<byte> data, long baseOffset, int depth)
    {
        var r = new ProtoReader(data, baseOffset, "AnyValue");
        if (depth > MaxAnyValueDepth)
        {
            throw r.Error($"attribute values nested deeper than {MaxAnyValueDepth}");
        }
        (string, bool) result = ("", true);
        while (!r.End)
        {
            var (f, w) = r.ReadTag();
            switch (f, w)
            {
                case (1, 2):
                    result = (r.ReadString(), true);
                    break;
                case (2, 0):
                    result = (AttributeText.Bool(r.ReadVarint() != 0), false);
                    break;
                case (3, 0):
                    result = (AttributeText.Int(unchecked((long)r.ReadVarint())), false);
                    break;
                case (4, 1):
                    result = (AttributeText.Double(r.ReadDouble()), false);
                    break;
                case (5, 2):
                    {
                        var bytes = r.ReadBytes(out long at);
                        var a = new ProtoReader(bytes, at, "ArrayValue");
                        var items = new List<(string, bool)>();
                        while (!a.End)
                        {
                            var (af, aw) = a.ReadTag();
                            if (af == 1 && aw == 2)
                            {
                                var vb = a.ReadBytes(out long vat);
                                items.Add(ReadAnyValue(vb, vat, depth + 1));
                            }
                            else
                            {
                                a.Skip(af, aw);
                            }
                        }
                        result = (AttributeText.Array(items), false);
                        break;
                    }
                case (6, 2):
                    {
                        var bytes = r.ReadBytes(out long at);
                        var k = new ProtoReader(bytes, at, "KeyValueList");
                        var items = new List<(string, string, bool)>();
                        while (!k.End)
                        {
                            var (kf, kw) = k.ReadTag();
                            if (kf == 1 && kw == 2)
                            {
                                var vb = k.ReadBytes(out long vat);
                                items.Add(ReadKeyValuePair(vb, vat, depth + 1));
                            }
                            else
                            {
                                k.Skip(kf, kw);
                            }
                        }
                        result = (AttributeText.KvList(items), false);
                        break;
                    }
                case (7, 2):
                    result = (AttributeText.Bytes(r.ReadBytes(out _)), true);
                    break;
                default:
                    r.Skip(f, w);
                    break;
            }
        }
        return result;
    }
}
