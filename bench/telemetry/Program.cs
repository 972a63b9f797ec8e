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

double Measure(string name, Action once)
{
    once();
    long n = 0;
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed.TotalSeconds < seconds)
    {
        once();
        n++;
    }
    double rate = n * points / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"{name,-34} {rate,14:N0} points/s  ({n} requests of {points} points)");
    return rate;
}

Console.WriteLine($"request: {trials} trials x {RequestFactory.Metrics.Length} metrics x {perMetric} points; protobuf {pb.Length} B, JSON {json.Length} B");
double protobuf = Measure("decode protobuf", () => OtlpProtobufDecoder.Decode(pb));
double jsonRate = Measure("decode JSON (peer)", () => OtlpJsonDecoder.Decode(json));
double ingest = Measure("receive protobuf (+accumulate)", () => receiver.ReceiveAsync(OtlpProtobufDecoder.Decode(pb), "token", default).AsTask().GetAwaiter().GetResult());
Console.WriteLine($"ratio protobuf/JSON decode: {protobuf / jsonRate:F2}x; receive+accumulate/decode-only: {ingest / protobuf:F2}x");
