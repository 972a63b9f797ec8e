using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ClusterTune.Telemetry.Bench;

/// <summary>Builds one realistic export (trainers × metrics × points) as OTLP protobuf and as OTLP JSON.</summary>
internal static class RequestFactory
{
    public static readonly string[] Metrics =
        ["clustertune.train.loss", "clustertune.eval.metric", "clustertune.train.step", "clustertune.train.epoch", "clustertune.train.learning_rate"];

    public static TrialKey Trial(int i) => new("bench", "sweep", $"sweep-t{i}");

    public static byte[] Protobuf(int trials, int pointsPerMetric)
    {
        var request = new MemoryStream();
        for (int t = 0; t < trials; t++)
        {
            var trial = Trial(t);
            var resource = Cat(
                Len(1, KeyValue("k8s.namespace.name", trial.Namespace)),
                Len(1, KeyValue("clustertune.job.name", trial.Job)),
                Len(1, KeyValue("clustertune.trial.id", trial.Trial)),
                Len(1, KeyValue("service.name", "clustertune-trainer")));
            var scope = new MemoryStream();
            scope.Write(Len(1, Str(1, "clustertune.trainer")));
            foreach (var name in Metrics)
            {
                var gauge = new MemoryStream();
                for (int p = 0; p < pointsPerMetric; p++)
                {
                    var attrs = name == "clustertune.eval.metric" ? Len(7, KeyValue("metric", "accuracy")) : [];
                    gauge.Write(Len(1, Cat(attrs, Fixed64(3, (ulong)(1_700_000_000_000_000_000L + p * 1_000_000L)), Fixed64(4, BitConverter.DoubleToUInt64Bits(0.5 + p)))));
                }
                scope.Write(Len(2, Cat(Str(1, name), Str(3, "1"), Len(5, gauge.ToArray()))));
            }
            request.Write(Len(1, Cat(Len(1, resource), Len(2, scope.ToArray()))));
        }
        return request.ToArray();
    }

    public static byte[] Json(int trials, int pointsPerMetric)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteStartArray("resourceMetrics");
            for (int t = 0; t < trials; t++)
            {
                var trial = Trial(t);
                w.WriteStartObject();
                w.WriteStartObject("resource");
                w.WriteStartArray("attributes");
                foreach (var (k, v) in new[] { ("k8s.namespace.name", trial.Namespace), ("clustertune.job.name", trial.Job), ("clustertune.trial.id", trial.Trial), ("service.name", "clustertune-trainer") })
                {
                    WriteKv(w, k, v);
                }
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteStartArray("scopeMetrics");
                w.WriteStartObject();
                w.WriteStartObject("scope");
                w.WriteString("name", "clustertune.trainer");
                w.WriteEndObject();
                w.WriteStartArray("metrics");
                foreach (var name in Metrics)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name);
                    w.WriteString("unit", "1");
                    w.WriteStartObject("gauge");
                    w.WriteStartArray("dataPoints");
                    for (int p = 0; p < pointsPerMetric; p++)
                    {
                        w.WriteStartObject();
                        if (name == "clustertune.eval.metric")
                        {
                            w.WriteStartArray("attributes");
                            WriteKv(w, "metric", "accuracy");
                            w.WriteEndArray();
                        }
                        w.WriteString("timeUnixNano", (1_700_000_000_000_000_000L + p * 1_000_000L).ToString(CultureInfo.InvariantCulture));
                        w.WriteNumber("asDouble", 0.5 + p);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void WriteKv(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteStartObject("value");
        w.WriteString("stringValue", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static byte[] Cat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] Varint(ulong v)
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

    private static byte[] Len(int field, byte[] payload) => Cat(Varint(((ulong)field << 3) | 2), Varint((ulong)payload.Length), payload);

    private static byte[] Str(int field, string s) => Len(field, Encoding.UTF8.GetBytes(s));

    private static byte[] KeyValue(string key, string value) => Cat(Str(1, key), Len(2, Str(1, value)));

    private static byte[] Fixed64(int field, ulong v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, v);
        return Cat(Varint(((ulong)field << 3) | 1), b);
    }
}
