using ClusterTune.Telemetry.Otlp;
using ClusterTune.Telemetry.Tests.Support;
using static ClusterTune.Telemetry.Tests.Support.Pb;

namespace ClusterTune.Telemetry.Tests.Otlp;

public sealed class OtlpProtobufDecoderTests
{
    private static readonly TrialKey T = new("ns", "job-a", "job-a-t1");

    [Fact]
    public void Decodes_resource_scope_gauge_and_double_point()
    {
        var body = Request(ResourceMetrics(
            Resource(("k8s.namespace.name", "ns"), ("service.name", "clustertune-trainer")),
            ScopeMetrics("trainer", Cat(Str(1, "clustertune.train.loss"), Str(2, "loss"), Str(3, "1"),
                Len(5, Len(1, DoublePoint(1_700_000_000_000_000_123, 0.25, ("split", "train"))))))));

        var req = OtlpProtobufDecoder.Decode(body);

        var rm = Assert.Single(req.ResourceMetrics);
        Assert.Equal("ns", rm.Attributes["k8s.namespace.name"]);
        Assert.Equal("clustertune-trainer", rm.Attributes["service.name"]);
        var sm = Assert.Single(rm.ScopeMetrics);
        Assert.Equal("trainer", sm.ScopeName);
        var m = Assert.Single(sm.Metrics);
        Assert.Equal(("clustertune.train.loss", "loss", "1", OtlpMetricKind.Gauge), (m.Name, m.Description, m.Unit, m.Kind));
        var p = Assert.Single(m.NumberDataPoints);
        Assert.Equal(1_700_000_000_000_000_123UL, p.TimeUnixNano);
        Assert.Equal(OtlpNumberValueKind.Double, p.ValueKind);
        Assert.Equal(0.25, p.Value);
        Assert.Equal("train", p.Attributes["split"]);
        Assert.Equal(1, req.DataPointCount);
    }

    [Fact]
    public void As_int_is_sfixed64_and_sum_carries_temporality_and_monotonic()
    {
        var body = TrialRequest(T, Sum("clustertune.train.tokens", 2, true, IntPoint(10, 20, -5), IntPoint(10, 30, long.MaxValue)));
        var m = OtlpProtobufDecoder.Decode(body).ResourceMetrics[0].ScopeMetrics[0].Metrics[0];
        Assert.Equal(OtlpMetricKind.Sum, m.Kind);
        Assert.Equal(OtlpAggregationTemporality.Cumulative, m.Temporality);
        Assert.True(m.IsMonotonic);
        Assert.Equal([-5L, long.MaxValue], m.NumberDataPoints.Select(p => p.IntValue));
        Assert.All(m.NumberDataPoints, p => Assert.Equal(OtlpNumberValueKind.Int, p.ValueKind));
        Assert.Equal(10UL, m.NumberDataPoints[0].StartTimeUnixNano);
    }

    public static TheoryData<string, byte[]> UnknownFields => new()
    {
        { "varint", Varint(99, 12345) },
        { "fixed64", Fixed64(98, 1) },
        { "length-delimited", Str(97, "future") },
        { "fixed32", Fixed32(96, 7) },
        { "group", Cat(Tag(95, 3), Varint(1, 5), Tag(95, 4)) },
        { "metadata=12 / entity_refs=3 style message", Len(12, KeyValue("k", "v")) },
    };

    [Theory]
    [MemberData(nameof(UnknownFields))]
    public void Unknown_fields_are_skipped_at_every_level(string kind, byte[] unknown)
    {
        byte[] point = Cat(unknown, DoublePoint(5, 1.5, ("metric", "accuracy")), unknown);
        byte[] metric = Cat(unknown, Str(1, "clustertune.eval.metric"), Len(5, Cat(unknown, Len(1, point))), unknown);
        byte[] scope = Cat(Len(1, Cat(Str(1, "s"), unknown)), unknown, Len(2, metric));
        byte[] resource = Len(1, Cat(unknown, Attr(1, "k8s.namespace.name", "ns"), unknown));
        byte[] body = Cat(unknown, Len(1, Cat(unknown, resource, Len(2, scope), unknown)), unknown);

        var req = OtlpProtobufDecoder.Decode(body);

        var m = req.ResourceMetrics[0].ScopeMetrics[0].Metrics[0];
        Assert.True(m.Name == "clustertune.eval.metric", kind);
        Assert.Equal(1.5, m.NumberDataPoints.Single().Value);
        Assert.Equal("accuracy", m.NumberDataPoints.Single().Attributes["metric"]);
        Assert.Equal("ns", req.ResourceMetrics[0].Attributes["k8s.namespace.name"]);
    }

    [Fact]
    public void Known_field_with_unexpected_wire_type_is_skipped_like_an_unknown_field()
    {
        // name (1) sent as varint, then the real name as string.
        var metric = Cat(Varint(1, 7), Str(1, "real"), Len(5, Len(1, DoublePoint(1, 2))));
        var m = OtlpProtobufDecoder.Decode(Request(Len(2, Len(2, metric)))).ResourceMetrics[0].ScopeMetrics[0].Metrics[0];
        Assert.Equal("real", m.Name);
    }

    public static TheoryData<string, byte[], OtlpNumberValueKind, double> ValueOneofs => new()
    {
        { "double then int", Cat(Fixed64(3, 1), Double(4, 2.5), Fixed64(6, 7)), OtlpNumberValueKind.Int, 7 },
        { "int then double", Cat(Fixed64(3, 1), Fixed64(6, 7), Double(4, 2.5)), OtlpNumberValueKind.Double, 2.5 },
        { "double twice", Cat(Fixed64(3, 1), Double(4, 1), Double(4, 3)), OtlpNumberValueKind.Double, 3 },
        { "none", Fixed64(3, 1), OtlpNumberValueKind.None, double.NaN },
    };

    [Theory]
    [MemberData(nameof(ValueOneofs))]
    public void Last_value_oneof_member_wins(string name, byte[] point, OtlpNumberValueKind kind, double value)
    {
        var p = OtlpProtobufDecoder.Decode(TrialRequest(T, Gauge("g", point))).ResourceMetrics[0].ScopeMetrics[0].Metrics[0].NumberDataPoints[0];
        Assert.True(kind == p.ValueKind, name);
        Assert.Equal(value, p.Value);
    }

    [Fact]
    public void Last_data_oneof_member_wins_and_the_same_member_repeated_merges()
    {
        var gauge = Len(1, DoublePoint(1, 1));
        var sum = Cat(Len(1, DoublePoint(2, 2)), Varint(2, 1));
        var metric = Cat(Str(1, "m"), Len(5, gauge), Len(7, sum), Len(7, Len(1, DoublePoint(3, 3))));
        var m = OtlpProtobufDecoder.Decode(Request(Len(2, Len(2, metric)))).ResourceMetrics[0].ScopeMetrics[0].Metrics[0];
        Assert.Equal(OtlpMetricKind.Sum, m.Kind);
        Assert.Equal(OtlpAggregationTemporality.Delta, m.Temporality);
        Assert.Equal([2.0, 3.0], m.NumberDataPoints.Select(p => p.Value));
    }

    [Fact]
    public void Histogram_buckets_and_bounds_decode_the_same_packed_and_unpacked()
    {
        byte[] Common() => Cat(Attr(9, "a", "b"), Fixed64(2, 1), Fixed64(3, 2), Fixed64(4, 6), Double(5, 12.5), Double(11, 0.5), Double(12, 9), Varint(10, 0));
        var packed = Cat(Common(), PackedFixed64(6, 1, 2, 3), PackedDouble(7, 1.0, 5.0));
        var unpacked = Cat(Common(), Fixed64(6, 1), Double(7, 1.0), Fixed64(6, 2), Double(7, 5.0), Fixed64(6, 3));
        var mixed = Cat(Common(), Fixed64(6, 1), PackedFixed64(6, 2, 3), PackedDouble(7, 1.0), Double(7, 5.0));

        foreach (var point in new[] { packed, unpacked, mixed })
        {
            var body = TrialRequest(T, Metric("clustertune.train.step.duration", "s", 9, Cat(Len(1, point), Varint(2, 2))));
            var m = OtlpProtobufDecoder.Decode(body).ResourceMetrics[0].ScopeMetrics[0].Metrics[0];
            var h = Assert.Single(m.HistogramDataPoints);
            Assert.Equal(OtlpAggregationTemporality.Cumulative, m.Temporality);
            Assert.Equal([1UL, 2UL, 3UL], h.BucketCounts);
            Assert.Equal([1.0, 5.0], h.ExplicitBounds);
            Assert.Equal((6UL, 12.5, 0.5, 9.0), (h.Count, h.Sum!.Value, h.Min!.Value, h.Max!.Value));
            Assert.Equal("b", h.Attributes["a"]);
        }
    }

    [Fact]
    public void Summary_points_exponential_histograms_and_flags_decode()
    {
        var summaryPoint = Cat(Fixed64(3, 9), Fixed64(4, 4), Double(5, 10), Len(6, Cat(Double(1, 0.5), Double(2, 2))), Len(6, Cat(Double(1, 0.99), Double(2, 4))), Varint(8, 1));
        var body = TrialRequest(T,
            Metric("s", "", 11, Len(1, summaryPoint)),
            Metric("e", "", 10, Cat(Len(1, Fixed64(3, 1)), Len(1, Fixed64(3, 2)), Varint(2, 2))),
            Gauge("g", Cat(Fixed64(3, 1), Double(4, 1), Varint(8, 1))));
        var ms = OtlpProtobufDecoder.Decode(body).ResourceMetrics[0].ScopeMetrics[0].Metrics;
        var s = Assert.Single(ms[0].SummaryDataPoints);
        Assert.Equal((4UL, 10.0), (s.Count, s.Sum));
        Assert.Equal([new(0.5, 2.0), new(0.99, 4.0)], s.QuantileValues);
        Assert.True(s.NoRecordedValue);
        Assert.Equal((OtlpMetricKind.ExponentialHistogram, 2), (ms[1].Kind, ms[1].ExponentialHistogramDataPointCount));
        Assert.True(ms[2].NumberDataPoints[0].NoRecordedValue);
        Assert.Equal(1 + 2 + 1, ms.Sum(m => m.DataPointCount));
    }

    public static TheoryData<string, byte[], string> AnyValues => new()
    {
        { "string", Str(1, "x"), "x" },
        { "bool", Varint(2, 1), "true" },
        { "negative int (10-byte varint)", Varint(3, unchecked((ulong)-3L)), "-3" },
        { "double", Double(4, 0.0003), "0.0003" },
        { "array", Len(5, Cat(Len(1, Str(1, "a")), Len(1, Varint(3, 2)))), "[\"a\",2]" },
        { "kvlist", Len(6, Len(1, KeyValueAny("k", Varint(2, 0)))), "{\"k\":false}" },
        { "bytes", Len(7, [1, 2, 3]), "AQID" },
        { "last member wins", Cat(Str(1, "first"), Varint(3, 9)), "9" },
        { "string_value_strindex (unknown here)", Varint(8, 3), "" },
    };

    [Theory]
    [MemberData(nameof(AnyValues))]
    public void Attribute_values_render_as_strings(string name, byte[] anyValue, string expected)
    {
        var body = Request(ResourceMetrics(Len(1, Len(1, KeyValueAny("k", anyValue)))));
        Assert.True(expected == OtlpProtobufDecoder.Decode(body).ResourceMetrics[0].Attributes["k"], name);
    }

    public static TheoryData<string, byte[], long, string> Garbage => new()
    {
        { "truncated varint", [0x0A, 0x80], 1, "truncated varint" },
        { "length beyond end", [0x0A, 0x05, 0x01], 1, "length 5 exceeds the 1 bytes left" },
        { "field number 0", [0x00], 0, "field number 0" },
        { "wire type 6", [0x0E], 1, "invalid wire type 6" },
        { "wire type 7", [0x0F], 1, "invalid wire type 7" },
        { "unexpected end-group", [0x0C], 1, "unexpected end-group" },
        { "unclosed group", [0x0B, 0x08, 0x01], 3, "is not closed" },
        { "varint over 10 bytes", [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], 1, "overflows 64 bits" },
        { "nested truncated fixed64", Len(1, Len(2, Len(2, Cat(Str(1, "m"), Len(5, Len(1, Cat(Tag(3, 1), new byte[] { 1, 2, 3 }))))))), 14, "truncated 64-bit value" },
        { "invalid UTF-8 name", Len(1, Len(2, Len(2, Cat(Tag(1, 2), new byte[] { 2, 0xC3, 0x28 })))), 8, "not valid UTF-8" },
        { "packed fixed64 length", TrialRequest(T, Metric("h", "", 9, Len(1, Len(6, [1, 2, 3])))), -1, "not a multiple of 8" },
        { "temporality out of range", TrialRequest(T, Metric("s", "", 7, Varint(2, 7))), -1, "aggregation_temporality 7" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Garbage_raises_a_decode_error_naming_the_byte_offset(string name, byte[] body, long offset, string what)
    {
        var e = Assert.Throws<OtlpDecodeException>(() => OtlpProtobufDecoder.Decode(body));
        Assert.Contains(what, e.Message);
        if (offset >= 0)
        {
            Assert.True(offset == e.Offset, $"{name}: offset {e.Offset}, message {e.Message}");
        }
        Assert.InRange(e.Offset, 0, body.Length);
        Assert.Contains($"byte offset {e.Offset}", e.Message);
    }

    [Fact]
    public void Every_truncation_and_random_mutation_either_decodes_or_raises_a_decode_error()
    {
        var valid = TrialRequest(T,
            Gauge("clustertune.train.loss", DoublePoint(1, 0.5, ("split", "train")), DoublePoint(2, 0.4)),
            Sum("tokens", 2, true, IntPoint(1, 2, 100)),
            Metric("h", "s", 9, Len(1, Cat(Fixed64(3, 1), PackedFixed64(6, 1, 2), PackedDouble(7, 1.0)))));
        Assert.Equal(4, OtlpProtobufDecoder.Decode(valid).DataPointCount);
        var random = new Random(12345);
        var inputs = Enumerable.Range(0, valid.Length).Select(n => valid[..n]).ToList();
        for (int i = 0; i < 3000; i++)
        {
            var m = (byte[])valid.Clone();
            for (int k = random.Next(1, 4); k > 0; k--)
            {
                m[random.Next(m.Length)] = (byte)random.Next(256);
            }
            inputs.Add(m);
        }
        for (int i = 0; i < 300; i++)
        {
            var g = new byte[random.Next(1, 64)];
            random.NextBytes(g);
            inputs.Add(g);
        }
        int errors = 0;
        foreach (var input in inputs)
        {
            try
            {
                OtlpProtobufDecoder.Decode(input);
            }
            catch (OtlpDecodeException e)
            {
                errors++;
                Assert.InRange(e.Offset, 0, input.Length);
            }
        }
        Assert.InRange(errors, 1, inputs.Count);
    }

    [Fact]
    public void Deeply_nested_attribute_values_are_refused_not_stack_overflowed()
    {
        byte[] v = Str(1, "leaf");
        for (int i = 0; i < 40; i++)
        {
            v = Len(5, Len(1, v));
        }
        var e = Assert.Throws<OtlpDecodeException>(() => OtlpProtobufDecoder.Decode(Request(ResourceMetrics(Len(1, Len(1, KeyValueAny("k", v)))))));
        Assert.Contains("nested deeper than 16", e.Message);
    }

    [Fact]
    public void Empty_body_is_an_empty_request()
    {
        Assert.Empty(OtlpProtobufDecoder.Decode([]).ResourceMetrics);
    }
}
