using System.Globalization;
using System.Text.Json;

namespace ClusterTune.Telemetry.Otlp;

/// <summary>
/// Decoder for OTLP/JSON ExportMetricsServiceRequest: lowerCamelCase keys (original snake_case names also accepted),
/// enums as integers (names accepted), 64-bit integers as decimal strings or numbers, doubles as numbers or
/// "NaN"/"Infinity"/"-Infinity", unknown fields ignored. Errors name the JSON path and are <see cref="OtlpDecodeException"/>.
/// </summary>
public static class OtlpJsonDecoder
{
    private const int MaxDepth = 64;

    /// <summary>Decodes a UTF-8 JSON body; throws <see cref="OtlpDecodeException"/> on bad input.</summary>
    public static OtlpExportRequest Decode(ReadOnlyMemory<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            throw new OtlpDecodeException(
                $"invalid OTLP JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1} of that line: {e.Message}", -1, e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(JsonPath.Root, $"expected a JSON object (ExportMetricsServiceRequest), got {root.ValueKind}");
            }
            var resources = new List<OtlpResourceMetrics>();
            int i = 0;
            foreach (var rm in Array(root, JsonPath.Root, "resourceMetrics", "resource_metrics"))
            {
                resources.Add(ReadResourceMetrics(rm, JsonPath.Root.Index("resourceMetrics", i++)));
            }
            return new OtlpExportRequest(resources);
        }
    }

    /// <summary>Decodes a UTF-8 JSON body held in an array.</summary>
    public static OtlpExportRequest Decode(byte[] body) => Decode(body.AsMemory());

    private static OtlpResourceMetrics ReadResourceMetrics(JsonElement e, JsonPath path)
    {
        RequireObject(e, path);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Property(e, "resource", "resource") is { } res)
        {
            RequireObject(res, path.Field("resource"));
            ReadAttributes(res, path.Field("resource"), attributes);
        }
        var scopes = new List<OtlpScopeMetrics>();
        int i = 0;
        foreach (var sm in Array(e, path, "scopeMetrics", "scope_metrics"))
        {
            scopes.Add(ReadScopeMetrics(sm, path.Index("scopeMetrics", i++)));
        }
        return new OtlpResourceMetrics(attributes, scopes);
    }

    private static OtlpScopeMetrics ReadScopeMetrics(JsonElement e, JsonPath path)
    {
        RequireObject(e, path);
        string name = "", version = "";
        if (Property(e, "scope", "scope") is { } scope)
        {
            RequireObject(scope, path.Field("scope"));
            name = String(scope, path.Field("scope"), "name", "name");
            version = String(scope, path.Field("scope"), "version", "version");
        }
        var metrics = new List<OtlpMetric>();
        int i = 0;
        foreach (var m in Array(e, path, "metrics", "metrics"))
        {
            metrics.Add(ReadMetric(m, path.Index("metrics", i++)));
        }
        return new OtlpScopeMetrics(name, version, metrics);
    }

    private static OtlpMetric ReadMetric(JsonElement e, JsonPath path)
    {
        RequireObject(e, path);
        string name = String(e, path, "name", "name");
        string description = String(e, path, "description", "description");
        string unit = String(e, path, "unit", "unit");
        var kind = OtlpMetricKind.None;
        JsonElement data = default;
        var dataPath = path;
        // JSON has no wire order guarantee for a oneof; the last member in document order wins, as in protobuf.
        foreach (var p in e.EnumerateObject())
        {
            var k = p.Name switch
            {
                "gauge" => OtlpMetricKind.Gauge,
                "sum" => OtlpMetricKind.Sum,
                "histogram" => OtlpMetricKind.Histogram,
                "exponentialHistogram" or "exponential_histogram" => OtlpMetricKind.ExponentialHistogram,
                "summary" => OtlpMetricKind.Summary,
                _ => OtlpMetricKind.None,
            };
            if (k != OtlpMetricKind.None && p.Value.ValueKind != JsonValueKind.Null)
            {
                kind = k;
                data = p.Value;
                dataPath = path.Field(p.Name);
            }
        }
        var numbers = new List<OtlpNumberDataPoint>();
        var histograms = new List<OtlpHistogramDataPoint>();
        var summaries = new List<OtlpSummaryDataPoint>();
        int exp = 0;
        var temporality = OtlpAggregationTemporality.Unspecified;
        bool monotonic = false;
        if (kind != OtlpMetricKind.None)
        {
            RequireObject(data, dataPath);
            if (kind is OtlpMetricKind.Sum or OtlpMetricKind.Histogram or OtlpMetricKind.ExponentialHistogram)
            {
                temporality = Temporality(data, dataPath);
            }
            if (kind == OtlpMetricKind.Sum)
            {
                monotonic = Bool(data, dataPath, "isMonotonic", "is_monotonic");
            }
            int i = 0;
            foreach (var dp in Array(data, dataPath, "dataPoints", "data_points"))
            {
                var pp = dataPath.Index("dataPoints", i++);
                switch (kind)
                {
                    case OtlpMetricKind.Gauge or OtlpMetricKind.Sum:
                        numbers.Add(ReadNumberPoint(dp, pp));
                        break;
                    case OtlpMetricKind.Histogram:
                        histograms.Add(ReadHistogramPoint(dp, pp));
                        break;
                    case OtlpMetricKind.Summary:
                        summaries.Add(ReadSummaryPoint(dp, pp));
                        break;
                    default:
                        exp++;
                        break;
                }
            }
        }
        return new OtlpMetric(name, description, unit, kind, temporality, monotonic, numbers, histograms, summaries, exp);
    }

    private static OtlpNumberDataPoint ReadNumberPoint(JsonElement e, JsonPath path)
    {
        RequireObject(e, path);
        var attributes = ReadAttributes(e, path, new Dictionary<string, string>(StringComparer.Ordinal));
        var kind = OtlpNumberValueKind.None;
        double dv = 0;
        long iv = 0;
        foreach (var p in e.EnumerateObject())
        {
            if (p.Name is "asDouble" or "as_double" && p.Value.ValueKind != JsonValueKind.Null)
            {
                dv = ParseDouble(p.Value, path.Field("asDouble"));
                kind = OtlpNumberValueKind.Double;
            }
            else if (p.Name is "asInt" or "as_int" && p.Value.ValueKind != JsonValueKind.Null)
            {
                iv = ParseInt64(p.Value, path.Field("asInt"));
                kind = OtlpNumberValueKind.Int;
            }
        }
        return new OtlpNumberDataPoint(attributes,
            UInt64(e, path, "startTimeUnixNano", "start_time_unix_nano"),
            UInt64(e, path, "timeUnixNano", "time_unix_nano"),
            kind, dv, iv, (uint)UInt64(e, path, "flags", "flags", uint.MaxValue));
    }

    private static OtlpHistogramDataPoint ReadHistogramPoint(JsonElement e, JsonPath path)
    {
        RequireObject(e, path);
        var attributes = ReadAttributes(e, path, new Dictionary<string, string>(StringComparer.Ordinal));
        var buckets = new List<ulong>();
        int i = 0;
        foreach (var b in Array(e, path, "bucketCounts", "bucket_counts"))
        {
            buckets.Add(ParseUInt64(b, path.Index("bucketCounts", i++), ulong.MaxValue));
        }
        var bounds = new List<double>();
        i = 0;
        foreach (var b in Array(e, path, "explicitBounds", "explicit_bounds"))
        {
            bounds.Add(ParseDouble(b, path.Index("explicitBounds", i++)));
        }
        return new OtlpHistogramDataPoint(attributes,
            UInt64(e, path, "startTimeUnixNano", "start_time_unix_nano"),
            UInt64(e, path, "timeUnixNano", "time_unix_nano"),
            UInt64(e, path, "count", "count"),
            OptionalDouble(e, path, "sum"),
            buckets, bounds,
            OptionalDouble(e, path, "min"),
            OptionalDouble(e, path, "max"),
            (uint)UInt64(e, path, "flags", "flags", uint.MaxValue));
    }

    private static OtlpSummaryDataPoint ReadSummaryPoint(JsonElement e, JsonPath path)
    {
        RequireObject(e, path);
        var attributes = ReadAttributes(e, path, new Dictionary<string, string>(StringComparer.Ordinal));
        var quantiles = new List<KeyValuePair<double, double>>();
        int i = 0;
        foreach (var q in Array(e, path, "quantileValues", "quantile_values"))
        {
            var qp = path.Index("quantileValues", i++);
            RequireObject(q, qp);
            quantiles.Add(new(OptionalDouble(q, qp, "quantile") ?? 0, OptionalDouble(q, qp, "value") ?? 0));
        }
        return new OtlpSummaryDataPoint(attributes,
            UInt64(e, path, "startTimeUnixNano", "start_time_unix_nano"),
            UInt64(e, path, "timeUnixNano", "time_unix_nano"),
            UInt64(e, path, "count", "count"),
            OptionalDouble(e, path, "sum") ?? 0,
            quantiles,
            (uint)UInt64(e, path, "flags", "flags", uint.MaxValue));
    }

    private static Dictionary<string, string> ReadAttributes(JsonElement owner, JsonPath path, Dictionary<string, string> into)
    {
        int i = 0;
        foreach (var kv in Array(owner, path, "attributes", "attributes"))
        {
            var kp = path.Index("attributes", i++);
            RequireObject(kv, kp);
            string key = String(kv, kp, "key", "key");
            into[key] = Property(kv, "value", "value") is { } v ? AnyValue(v, kp.Field("value"), 0).Text : "";
        }
        return into;
    }

    private static (string Text, bool IsString) AnyValue(JsonElement e, JsonPath path, int depth)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return ("", true);
        }
        RequireObject(e, path);
        if (depth > 16)
        {
            throw Error(path, "attribute values nested deeper than 16");
        }
        (string, bool) result = ("", true);
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            var pp = path.Field(p.Name);
            switch (p.Name)
            {
                case "stringValue" or "string_value":
                    result = (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Error(pp, "expected a string"), true);
                    break;
                case "boolValue" or "bool_value":
                    result = (p.Value.ValueKind switch
                    {
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => throw Error(pp, "expected true or false"),
                    }, false);
                    break;
                case "intValue" or "int_value":
                    result = (AttributeText.Int(ParseInt64(p.Value, pp)), false);
                    break;
                case "doubleValue" or "double_value":
                    result = (AttributeText.Double(ParseDouble(p.Value, pp)), false);
                    break;
                case "bytesValue" or "bytes_value":
                    // proto3 JSON carries bytes as base64; keep the text as sent after checking it decodes.
                    string s = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : throw Error(pp, "expected a base64 string");
                    try
                    {
                        result = (AttributeText.Bytes(Convert.FromBase64String(s)), true);
                    }
                    catch (FormatException)
                    {
                        throw Error(pp, "bytesValue is not valid base64");
                    }
                    break;
                case "arrayValue" or "array_value":
                    {
                        RequireObject(p.Value, pp);
                        var items = new List<(string, bool)>();
                        int i = 0;
                        foreach (var v in Array(p.Value, pp, "values", "values"))
                        {
                            items.Add(AnyValue(v, pp.Index("values", i++), depth + 1));
                        }
                        result = (AttributeText.Array(items), false);
                        break;
                    }
                case "kvlistValue" or "kvlist_value":
                    {
                        RequireObject(p.Value, pp);
                        var items = new List<(string, string, bool)>();
                        int i = 0;
                        foreach (var kv in Array(p.Value, pp, "values", "values"))
                        {
                            var kp = pp.Index("values", i++);
                            RequireObject(kv, kp);
                            var inner = Property(kv, "value", "value") is { } v ? AnyValue(v, kp.Field("value"), depth + 1) : ("", true);
                            items.Add((String(kv, kp, "key", "key"), inner.Item1, inner.Item2));
                        }
                        result = (AttributeText.KvList(items), false);
                        break;
                    }
            }
        }
        return result;
    }

    private static OtlpAggregationTemporality Temporality(JsonElement e, JsonPath path)
    {
        if (Property(e, "aggregationTemporality", "aggregation_temporality") is not { } t)
        {
            return OtlpAggregationTemporality.Unspecified;
        }
        var p = path.Field("aggregationTemporality");
        if (t.ValueKind == JsonValueKind.String)
        {
            switch (t.GetString())
            {
                case "AGGREGATION_TEMPORALITY_UNSPECIFIED":
                    return OtlpAggregationTemporality.Unspecified;
                case "AGGREGATION_TEMPORALITY_DELTA":
                    return OtlpAggregationTemporality.Delta;
                case "AGGREGATION_TEMPORALITY_CUMULATIVE":
                    return OtlpAggregationTemporality.Cumulative;
            }
        }
        ulong v = ParseUInt64(t, p, 2);
        return (OtlpAggregationTemporality)v;
    }

    private static JsonElement? Property(JsonElement e, string camel, string snake)
    {
        if (e.TryGetProperty(camel, out var v) || (snake != camel && e.TryGetProperty(snake, out v)))
        {
            return v.ValueKind == JsonValueKind.Null ? null : v;
        }
        return null;
    }

    private static IEnumerable<JsonElement> Array(JsonElement e, JsonPath path, string camel, string snake)
    {
        if (Property(e, camel, snake) is not { } a)
        {
            return [];
        }
        if (a.ValueKind != JsonValueKind.Array)
        {
            throw Error(path.Field(camel), $"expected an array, got {a.ValueKind}");
        }
        return a.EnumerateArray();
    }

    private static string String(JsonElement e, JsonPath path, string camel, string snake)
    {
        if (Property(e, camel, snake) is not { } v)
        {
            return "";
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error(path.Field(camel), $"expected a string, got {v.ValueKind}");
    }

    private static bool Bool(JsonElement e, JsonPath path, string camel, string snake)
    {
        if (Property(e, camel, snake) is not { } v)
        {
            return false;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(path.Field(camel), $"expected true or false, got {v.ValueKind}"),
        };
    }

    private static ulong UInt64(JsonElement e, JsonPath path, string camel, string snake, ulong max = ulong.MaxValue) =>
        Property(e, camel, snake) is { } v ? ParseUInt64(v, path.Field(camel), max) : 0;

    private static double? OptionalDouble(JsonElement e, JsonPath path, string name) =>
        Property(e, name, name) is { } v ? ParseDouble(v, path.Field(name)) : null;

    private static ulong ParseUInt64(JsonElement v, JsonPath path, ulong max)
    {
        ulong result;
        if (v.ValueKind == JsonValueKind.String)
        {
            if (!ulong.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out result))
            {
                throw Error(path, $"expected an unsigned integer as a decimal string, got \"{v.GetString()}\"");
            }
        }
        else if (v.ValueKind != JsonValueKind.Number || !TryIntegral(v, out result))
        {
            throw Error(path, $"expected an unsigned integer (number or decimal string), got {Describe(v)}");
        }
        if (result > max)
        {
            throw Error(path, $"value {result} exceeds the maximum {max}");
        }
        return result;
    }

    private static bool TryIntegral(JsonElement v, out ulong result)
    {
        if (v.TryGetUInt64(out result))
        {
            return true;
        }
        // Accept integral numbers written with an exponent or fraction zero (e.g. 1.7e18), as proto3 JSON parsers do.
        if (v.TryGetDouble(out double d) && d >= 0 && d <= ulong.MaxValue && Math.Floor(d) == d)
        {
            result = (ulong)d;
            return true;
        }
        return false;
    }

    private static long ParseInt64(JsonElement v, JsonPath path)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long s)
                ? s
                : throw Error(path, $"expected a 64-bit integer as a decimal string, got \"{v.GetString()}\"");
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            if (v.TryGetInt64(out long n))
            {
                return n;
            }
            if (v.TryGetDouble(out double d) && Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue)
            {
                return (long)d;
            }
        }
        throw Error(path, $"expected a 64-bit integer (number or decimal string), got {Describe(v)}");
    }

    private static double ParseDouble(JsonElement v, JsonPath path)
    {
        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetDouble();
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            string s = v.GetString()!;
            return s switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? d
                    : throw Error(path, $"expected a number, \"NaN\", \"Infinity\" or \"-Infinity\", got \"{s}\""),
            };
        }
        throw Error(path, $"expected a number, got {Describe(v)}");
    }

    private static void RequireObject(JsonElement e, JsonPath path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Error(path, $"expected an object, got {e.ValueKind}");
        }
    }

    private static string Describe(JsonElement v) => v.ValueKind == JsonValueKind.Number ? v.GetRawText() : v.ValueKind.ToString();

    private static OtlpDecodeException Error(JsonPath path, string what) => new($"invalid OTLP JSON at {path}: {what}", -1);
}
