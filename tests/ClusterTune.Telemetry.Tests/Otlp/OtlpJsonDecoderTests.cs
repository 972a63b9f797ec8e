using System.Text;
using ClusterTune.Telemetry.Otlp;

namespace ClusterTune.Telemetry.Tests.Otlp;

public sealed class OtlpJsonDecoderTests
{
    private static OtlpExportRequest Decode(string json) => OtlpJsonDecoder.Decode(Encoding.UTF8.GetBytes(json));

    private const string Example = """
    {
      "resourceMetrics": [{
        "resource": { "attributes": [
          { "key": "k8s.namespace.name", "value": { "stringValue": "ns" } },
          { "key": "clustertune.trial.index", "value": { "intValue": "3" } },
          { "key": "future", "value": { "someNewValue": 1 } }
        ], "droppedAttributesCount": 0 },
        "scopeMetrics": [{
          "scope": { "name": "trainer", "version": "1.0" },
          "metrics": [
            { "name": "clustertune.train.loss", "unit": "1",
              "gauge": { "dataPoints": [ { "timeUnixNano": "1700000000000000001", "asDouble": 0.5,
                 "attributes": [ { "key": "split", "value": { "stringValue": "train" } } ] } ] } },
            { "name": "clustertune.train.tokens", "unit": "{token}",
              "sum": { "aggregationTemporality": 2, "isMonotonic": true,
                "dataPoints": [ { "startTimeUnixNano": "1", "timeUnixNano": 2, "asInt": "-9007199254740993" } ] } },
            { "name": "clustertune.train.step.duration", "unit": "s",
              "histogram": { "aggregationTemporality": 1, "dataPoints": [ { "timeUnixNano": "5", "count": "3", "sum": 1.5,
                 "bucketCounts": ["1", 2, "0"], "explicitBounds": [0.1, 1], "min": 0.1, "max": 1.0, "flags": 0 } ] } },
            { "name": "q", "summary": { "dataPoints": [ { "timeUnixNano": "6", "count": 2, "sum": 4,
                 "quantileValues": [ { "quantile": 0.5, "value": 1 }, { "quantile": 1, "value": 3 } ] } ] } },
            { "name": "e", "exponentialHistogram": { "dataPoints": [ {}, {} ] } }
          ],
          "unknownTopLevel": { "x": [1, 2] }
        }]
      }]
    }
    """;

    [Fact]
    public void Decodes_the_spec_shape_with_int64_as_strings_and_numbers()
    {
        var req = Decode(Example);
        var rm = Assert.Single(req.ResourceMetrics);
        Assert.Equal("ns", rm.Attributes["k8s.namespace.name"]);
        Assert.Equal("3", rm.Attributes["clustertune.trial.index"]);
        Assert.Equal("", rm.Attributes["future"]);
        var sm = Assert.Single(rm.ScopeMetrics);
        Assert.Equal(("trainer", "1.0"), (sm.ScopeName, sm.ScopeVersion));
        var ms = sm.Metrics;

        var loss = ms[0].NumberDataPoints.Single();
        Assert.Equal((OtlpMetricKind.Gauge, 1_700_000_000_000_000_001UL, 0.5, "train"), (ms[0].Kind, loss.TimeUnixNano, loss.Value, loss.Attributes["split"]));

        Assert.Equal((OtlpMetricKind.Sum, OtlpAggregationTemporality.Cumulative, true), (ms[1].Kind, ms[1].Temporality, ms[1].IsMonotonic));
        var tokens = ms[1].NumberDataPoints.Single();
        Assert.Equal((1UL, 2UL, OtlpNumberValueKind.Int, -9007199254740993L), (tokens.StartTimeUnixNano, tokens.TimeUnixNano, tokens.ValueKind, tokens.IntValue));

        var h = ms[2].HistogramDataPoints.Single();
        Assert.Equal(OtlpAggregationTemporality.Delta, ms[2].Temporality);
        Assert.Equal([1UL, 2UL, 0UL], h.BucketCounts);
        Assert.Equal([0.1, 1.0], h.ExplicitBounds);
        Assert.Equal((3UL, 1.5, 0.1, 1.0), (h.Count, h.Sum!.Value, h.Min!.Value, h.Max!.Value));

        var s = ms[3].SummaryDataPoints.Single();
        Assert.Equal([new(0.5, 1.0), new(1.0, 3.0)], s.QuantileValues);
        Assert.Equal(2, ms[4].ExponentialHistogramDataPointCount);
        Assert.Equal(6, req.DataPointCount);
    }

    public static TheoryData<string, string, OtlpNumberValueKind, double> Points => new()
    {
        { "asInt number", """{"timeUnixNano":"1","asInt":42}""", OtlpNumberValueKind.Int, 42 },
        { "asDouble string NaN", """{"timeUnixNano":"1","asDouble":"NaN"}""", OtlpNumberValueKind.Double, double.NaN },
        { "asDouble Infinity", """{"timeUnixNano":"1","asDouble":"Infinity"}""", OtlpNumberValueKind.Double, double.PositiveInfinity },
        { "asDouble -Infinity", """{"timeUnixNano":"1","asDouble":"-Infinity"}""", OtlpNumberValueKind.Double, double.NegativeInfinity },
        { "last oneof member wins", """{"timeUnixNano":"1","asInt":"1","asDouble":2.5}""", OtlpNumberValueKind.Double, 2.5 },
        { "snake_case names", """{"time_unix_nano":"1","as_int":"7"}""", OtlpNumberValueKind.Int, 7 },
        { "no value", """{"timeUnixNano":"1"}""", OtlpNumberValueKind.None, double.NaN },
        { "integral number with exponent", """{"timeUnixNano":1e3,"asInt":2e1}""", OtlpNumberValueKind.Int, 20 },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void Number_point_variants(string name, string point, OtlpNumberValueKind kind, double value)
    {
        var p = Decode("""{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[""" + point + "]}}]}]}]}")
            .ResourceMetrics[0].ScopeMetrics[0].Metrics[0].NumberDataPoints[0];
        Assert.True(kind == p.ValueKind, name);
        Assert.Equal(value, p.Value);
    }

    [Theory]
    [InlineData("AGGREGATION_TEMPORALITY_DELTA", OtlpAggregationTemporality.Delta)]
    [InlineData("2", OtlpAggregationTemporality.Cumulative)]
    [InlineData("0", OtlpAggregationTemporality.Unspecified)]
    public void Temporality_as_int_string_or_enum_name(string value, OtlpAggregationTemporality expected)
    {
        string v = char.IsDigit(value[0]) ? value : $"\"{value}\"";
        var m = Decode("""{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"s","sum":{"aggregationTemporality":""" + v + "}}]}]}]}")
            .ResourceMetrics[0].ScopeMetrics[0].Metrics[0];
        Assert.Equal(expected, m.Temporality);
    }

    [Fact]
    public void Attribute_value_kinds_render_as_strings()
    {
        var attrs = Decode("""
            {"resourceMetrics":[{"resource":{"attributes":[
              {"key":"b","value":{"boolValue":true}},
              {"key":"d","value":{"doubleValue":3e-4}},
              {"key":"a","value":{"arrayValue":{"values":[{"stringValue":"x"},{"intValue":"2"}]}}},
              {"key":"kv","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}},
              {"key":"bytes","value":{"bytesValue":"AQID"}}
            ]}}]}
            """).ResourceMetrics[0].Attributes;
        Assert.Equal("true", attrs["b"]);
        Assert.Equal("0.0003", attrs["d"]);
        Assert.Equal("[\"x\",2]", attrs["a"]);
        Assert.Equal("{\"k\":false}", attrs["kv"]);
        Assert.Equal("AQID", attrs["bytes"]);
    }

    public static TheoryData<string, string, string> Bad => new()
    {
        { "not JSON", "{\"resourceMetrics\": [", "invalid OTLP JSON at line 1" },
        { "root array", "[]", "at $: expected a JSON object" },
        { "resourceMetrics not array", """{"resourceMetrics":{}}""", "$.resourceMetrics: expected an array" },
        { "time as float text", """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"timeUnixNano":"1.5"}]}}]}]}]}""",
            "$.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].timeUnixNano: expected an unsigned integer" },
        { "negative time", """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"timeUnixNano":-1}]}}]}]}]}""",
            "timeUnixNano: expected an unsigned integer" },
        { "asDouble bad string", """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"asDouble":"abc"}]}}]}]}]}""",
            "asDouble: expected a number, \"NaN\"" },
        { "name not string", """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":5}]}]}]}""", "metrics[0].name: expected a string" },
        { "bad base64", """{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":{"bytesValue":"%%"}}]}}]}""", "not valid base64" },
        { "flags too big", """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"g","gauge":{"dataPoints":[{"flags":4294967296}]}}]}]}]}""", "exceeds the maximum" },
        { "temporality 9", """{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"s","sum":{"aggregationTemporality":9}}]}]}]}""", "value 9 exceeds the maximum 2" },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bad_json_raises_a_decode_error_naming_the_location(string name, string json, string expected)
    {
        var e = Assert.Throws<OtlpDecodeException>(() => Decode(json));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{name}: {e.Message}");
    }

    [Fact]
    public void Empty_object_is_an_empty_request()
    {
        Assert.Empty(Decode("{}").ResourceMetrics);
    }
}
