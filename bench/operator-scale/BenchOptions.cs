using System.Globalization;

namespace ClusterTune.Operator.Scale.Bench;

/// <summary>The bench's flags. Defaults take about ten minutes for both configurations on 2 quiet cores.</summary>
internal sealed record BenchOptions
{
    public int Jobs { get; init; } = 500;
    public int History { get; init; } = 100;
    public int NewTrials { get; init; } = 40;
    public int Parallelism { get; init; } = 2;
    public int Epochs { get; init; } = 3;
    public double EpochSeconds { get; init; } = 3;
    public double PointsPerSecond { get; init; } = 50_000;
    public int PointsPerRequest { get; init; } = 25;
    public int[] Silos { get; init; } = [1, 3];
    public double WindowFrom { get; init; } = 0.6;
    public double WindowFraction { get; init; } = 0.85;
    public double WarmupSeconds { get; init; } = 30;
    public double MaxSeconds { get; init; } = 240;

    public const string Usage = """
        usage: ClusterTune.Operator.Scale.Bench [--jobs N] [--history M] [--new-trials K] [--parallelism P] [--epochs E]
               [--epoch-seconds S] [--rate POINTS_PER_S] [--points-per-request N] [--silos 1,3] [--window-from F] [--window-fraction F] [--warmup-seconds S] [--max-seconds S]
        """;

    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var flag = args[i];
            if (flag is "-h" or "--help")
            {
                throw new ArgumentException(Usage);
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{flag} needs a value\n{Usage}");
            }

            var v = args[++i];
            int Int() => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"{flag} takes a positive integer, got '{v}'");
            double Num() => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d > 0 ? d : throw new ArgumentException($"{flag} takes a positive number, got '{v}'");
            o = flag switch
            {
                "--jobs" => o with { Jobs = Int() },
                "--history" => o with { History = Int() },
                "--new-trials" => o with { NewTrials = Int() },
                "--parallelism" => o with { Parallelism = Int() },
                "--epochs" => o with { Epochs = Int() },
                "--epoch-seconds" => o with { EpochSeconds = Num() },
                "--rate" => o with { PointsPerSecond = Num() },
                "--points-per-request" => o with { PointsPerRequest = Math.Max(4, Int()) },
                "--silos" => o with { Silos = v.Split(',').Select(s => int.TryParse(s, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new ArgumentException($"--silos takes counts like 1,3, got '{v}'")).ToArray() },
                "--window-from" => o with { WindowFrom = Math.Min(1, Num()) },
                "--window-fraction" => o with { WindowFraction = Math.Min(1, Num()) },
                "--max-seconds" => o with { MaxSeconds = Num() },
                "--warmup-seconds" => o with { WarmupSeconds = Num() },
                _ => throw new ArgumentException($"unknown flag {flag}\n{Usage}"),
            };
        }
        return o;
    }
}
