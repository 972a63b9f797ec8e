using System.Diagnostics;
using ClusterTune.Telemetry;
using ClusterTune.Telemetry.Bench;
using ClusterTune.Telemetry.Ingestion;
using ClusterTune.Telemetry.Observations;
using ClusterTune.Telemetry.Otlp;

// OTLP ingestion throughput: protobuf decode vs the JSON decode of the same request (the peer, same run), and the
// receiver core (decode + authorize + normalize + accumulator) on protobuf. Usage: [trials] [pointsPerMetric] [seconds]
int trials = args.Length > 0 ? int.Parse(args[0]) : 50;
int perMetric = args.Length > 1 ? int.Parse(args[1]) : 4;
double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1.0;

var pb = RequestFactory.Protobuf(trials, perMetric);
var json = RequestFactory.Json(trials, perMetric);
int points = OtlpProtobufDecoder.Decode(pb).DataPointCount;
if (points != OtlpJsonDecoder.Decode(json).DataPointCount)
{
    throw new InvalidOperationException("protobuf and JSON requests differ");
}

var validator = new InMemoryTrialTokenValidator();
for (int t = 0; t < trials; t++)
{
    validator.Register(RequestFactory.Trial(t), "token");
}
var accumulator = new ObservationAccumulator(_ => "accuracy", TimeProvider.System);
var receiver = new OtlpMetricsReceiver(validator, new AccumulatorSink(accumulator));

// The machine is shared: contenders run in interleaved short rounds and each keeps its best round, so a load spike
// hits all of them alike instead of skewing the ratio.
var contenders = new (string Name, Action Once)[]
{
    ("decode protobuf", () => OtlpProtobufDecoder.Decode(pb)),
    ("decode JSON (peer)", () => OtlpJsonDecoder.Decode(json)),
    ("receive protobuf (+accumulate)", () => receiver.ReceiveAsync(OtlpProtobufDecoder.Decode(pb), "token", default).AsTask().GetAwaiter().GetResult()),
};
var best = new double[contenders.Length];
const int Rounds = 10;
foreach (var c in contenders)
{
    c.Once();
}
for (int round = 0; round < Rounds; round++)
{
    for (int i = 0; i < contenders.Length; i++)
    {
        long n = 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds / Rounds)
        {
            contenders[i].Once();
            n++;
        }
        best[i] = Math.Max(best[i], n * points / sw.Elapsed.TotalSeconds);
    }
}

Console.WriteLine($"request: {trials} trials x {RequestFactory.Metrics.Length} metrics x {perMetric} points; protobuf {pb.Length} B, JSON {json.Length} B");
for (int i = 0; i < contenders.Length; i++)
{
    Console.WriteLine($"{contenders[i].Name,-34} {best[i],14:N0} points/s (best of {Rounds} interleaved rounds)");
}
Console.WriteLine($"ratio protobuf/JSON decode: {best[0] / best[1]:F2}x; receive+accumulate/decode-only: {best[2] / best[0]:F2}x");
