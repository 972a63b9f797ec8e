using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using ClusterTune.Api.Contract;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>
/// One trainer export as OTLP protobuf (ExportMetricsServiceRequest): the trial's resource (docs/trial-contract.md §2)
/// and its gauges: train.loss at several times, then train.step, train.epoch (completed epochs) and the epoch's
/// eval.metric{metric=accuracy}, as the contract orders them.
/// </summary>
internal static class OtlpExport
{
    /// <summary>The resource message of a trial (built once per trial).</summary>
    public static byte[] Resource(SimTrial t)
    {
        var w = new ArrayBufferWriter<byte>(512);
        void Attr(string k, string v) => Message(w, 1, b => KeyValue(b, k, v));
        Attr(ResourceAttributes.ServiceName, ResourceAttributes.TrainerServiceName);
        Attr(ResourceAttributes.ServiceInstanceId, $"{t.PodUid}/trainer");
        Attr(ResourceAttributes.K8sNamespaceName, t.Namespace);
        Attr(ResourceAttributes.K8sPodName, t.Pod);
        Attr(ResourceAttributes.K8sPodUid, t.PodUid);
        Attr(ResourceAttributes.K8sNodeName, "simulated");
        Attr(ResourceAttributes.K8sContainerName, "trainer");
        Attr(ResourceAttributes.JobName, t.Job);
        Attr(ResourceAttributes.TrialName, t.Trial);
        Attr(ResourceAttributes.TrialIndex, t.Index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Attr(ResourceAttributes.TrialAttempt, t.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Attr(ResourceAttributes.ParamPrefix + KnobNames.LrFactor, t.LrFactor.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        Attr(ResourceAttributes.ParamPrefix + KnobNames.FreezeDepth, t.FreezeDepth.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Attr(ResourceAttributes.ParamPrefix + KnobNames.LoraRank, t.LoraRank.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return w.WrittenSpan.ToArray();
    }

    /// <summary>An export of <paramref name="points"/> points at <paramref name="nowNanos"/>; eval only once an epoch completed.</summary>
    public static byte[] Request(SimTrial t, int points, int epoch, long step, long nowNanos)
    {
        var w = new ArrayBufferWriter<byte>(256 + points * 24);
        Message(w, 1, rm =>
        {
            Bytes(rm, 1, t.ResourceBytes!);
            Message(rm, 2, sm =>
            {
                Message(sm, 1, scope => Str(scope, 1, "clustertune.trainer"));
                var losses = Math.Max(1, points - (epoch > 0 ? 3 : 2));
                Gauge(sm, MetricNames.TrainLoss, "1", losses, i => (nowNanos - (losses - i) * 1_000_000L, 2.0 / (1 + step + i), null), split: "train");
                Gauge(sm, MetricNames.TrainStep, "{step}", 1, _ => (nowNanos, step, null));
                Gauge(sm, MetricNames.TrainEpoch, "{epoch}", 1, _ => (nowNanos, epoch, null));
                if (epoch > 0)
                {
                    Gauge(sm, MetricNames.EvalMetric, "1", 1, _ => (nowNanos + 1000, Math.Round(t.Accuracy(epoch), 5), "accuracy"), split: "eval");
                }
            });
        });
        return w.WrittenSpan.ToArray();
    }

    private static void Gauge(IBufferWriter<byte> w, string name, string unit, int count, Func<int, (long Time, double Value, string? Metric)> point, string? split = null) =>
        Message(w, 2, m =>
        {
            Str(m, 1, name);
            Str(m, 3, unit);
            Message(m, 5, g =>
            {
                for (var i = 0; i < count; i++)
                {
                    var (time, value, metric) = point(i);
                    Message(g, 1, p =>
                    {
                        Fixed64(p, 3, (ulong)time);
                        Fixed64(p, 4, BitConverter.DoubleToUInt64Bits(value));
                        if (metric is not null)
                        {
                            Message(p, 7, a => KeyValue(a, "metric", metric));
                        }

                        if (split is not null)
                        {
                            Message(p, 7, a => KeyValue(a, "split", split));
                        }
                    });
                }
            });
        });

    private static void KeyValue(IBufferWriter<byte> w, string key, string value)
    {
        Str(w, 1, key);
        Message(w, 2, v => Str(v, 1, value));
    }

    // Protobuf wire format: a length-delimited field is written into a scratch buffer, then prefixed with its length.
    private static void Message(IBufferWriter<byte> w, int field, Action<IBufferWriter<byte>> body)
    {
        var inner = new ArrayBufferWriter<byte>(64);
        body(inner);
        Bytes(w, field, inner.WrittenSpan);
    }

    private static void Bytes(IBufferWriter<byte> w, int field, ReadOnlySpan<byte> bytes)
    {
        Varint(w, (ulong)((field << 3) | 2));
        Varint(w, (ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void Str(IBufferWriter<byte> w, int field, string s) => Bytes(w, field, Encoding.UTF8.GetBytes(s));

    private static void Fixed64(IBufferWriter<byte> w, int field, ulong v)
    {
        Varint(w, (ulong)((field << 3) | 1));
        BinaryPrimitives.WriteUInt64LittleEndian(w.GetSpan(8), v);
        w.Advance(8);
    }

    private static void Varint(IBufferWriter<byte> w, ulong v)
    {
        var span = w.GetSpan(10);
        var n = 0;
        while (v >= 0x80)
        {
            span[n++] = (byte)(v | 0x80);
            v >>= 7;
        }
        span[n++] = (byte)v;
        w.Advance(n);
    }
}
