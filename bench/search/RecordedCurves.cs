using System.Globalization;

namespace ClusterTune.Search.Bench;

/// <summary>
/// Real learning curves (validation accuracy per epoch) recorded by record_curves.py: ClusterTune.Trainer fine-tuning
/// the Fashion-MNIST base on few-label MNIST (10 labels per class) for every config of freezeDepth × lrFactor × loraRank
/// below, 20 epochs, up to 3 seeds recorded seed by seed (data/finetune-curves.csv; the seeds every config has are
/// used). A replayed trial of config c in bench seed s follows recorded seed hash(s, c) mod seeds, so a sweep sees the
/// run-to-run noise of real training. optuna_runner.py replays the same file the
/// same way; the bench checks that both give the same values before it runs.
/// </summary>
internal sealed class RecordedCurves
{
    public static readonly long[] FreezeDepths = [0, 1, 2, 3];
    public static readonly double[] LrFactors = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0];
    public static readonly long[] LoraRanks = [0, 2, 4, 8];
    public const int MaxSeeds = 3;
    public const int Epochs = 20;

    private readonly double[,][] _curves; // [config, seed][epoch − 1] → accuracy in %

    private RecordedCurves(double[,][] curves, int seeds) => (_curves, Seeds) = (curves, seeds);

    /// <summary>Recorded seeds every config has (0 … Seeds − 1).</summary>
    public int Seeds { get; }

    public static int Configs => FreezeDepths.Length * LrFactors.Length * LoraRanks.Length;

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "data", "finetune-curves.csv");

    /// <summary>Loads the CSV; throws when not even seed 0 covers every config.</summary>
    public static RecordedCurves Load(string path)
    {
        var curves = new double[Configs, MaxSeeds][];
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            var c = Index(long.Parse(f[0], CultureInfo.InvariantCulture), double.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[2], CultureInfo.InvariantCulture));
            var s = int.Parse(f[3], CultureInfo.InvariantCulture);
            var e = int.Parse(f[4], CultureInfo.InvariantCulture);
            curves[c, s] ??= new double[Epochs];
            curves[c, s][e - 1] = 100 * double.Parse(f[5], CultureInfo.InvariantCulture);
        }

        var seeds = 0;
        while (seeds < MaxSeeds && Enumerable.Range(0, Configs).All(c => curves[c, seeds] is not null))
        {
            seeds++;
        }

        if (seeds == 0)
        {
            throw new InvalidDataException($"{path} lacks seed 0 of some configs; run bench/search/record_curves.py to complete it");
        }

        return new RecordedCurves(curves, seeds);
    }

    /// <summary>The config index of a recorded (freezeDepth, lrFactor, loraRank), lrFactor matched to 1e-9.</summary>
    public static int Index(long k, double f, long r)
    {
        var fi = Array.FindIndex(LrFactors, x => Math.Abs(x - f) < 1e-9);
        var ki = Array.IndexOf(FreezeDepths, k);
        var ri = Array.IndexOf(LoraRanks, r);
        if (fi < 0 || ki < 0 || ri < 0)
        {
            throw new ArgumentException($"({k}, {f}, {r}) is not a recorded config");
        }

        return (((ki * LrFactors.Length) + fi) * LoraRanks.Length) + ri;
    }

    /// <summary>The recorded config nearest to an assignment: lrFactor to the nearest recorded value in log.</summary>
    public static int Nearest(IReadOnlyDictionary<string, object> p)
    {
        var k = Convert.ToInt64(p["freezeDepth"], CultureInfo.InvariantCulture);
        var f = Convert.ToDouble(p["lrFactor"], CultureInfo.InvariantCulture);
        var r = Convert.ToInt64(p["loraRank"], CultureInfo.InvariantCulture);
        var nearest = LrFactors.MinBy(x => Math.Abs(Math.Log(x) - Math.Log(f)));
        return Index(k, nearest, r);
    }

    public int SeedOf(int config, ulong benchSeed) => (int)(SimHash.Hash(benchSeed, (ulong)config) % (ulong)Seeds);

    public double Value(int config, int epoch, ulong benchSeed) => _curves[config, SeedOf(config, benchSeed)][epoch - 1];

    /// <summary>The best final accuracy over the whole grid as replayed in this bench seed (regret 0).</summary>
    public double Optimum(ulong benchSeed) => Enumerable.Range(0, Configs).Max(c => Value(c, Epochs, benchSeed));
}

/// <summary>
/// The recorded curves as a sweep objective, with the knobs declared one of two ways: as categorical value lists (as
/// users write them) or as int / log-float ranges (lrFactor snapped to the nearest recorded value).
/// </summary>
internal sealed class ReplayObjective(string name, bool categorical, RecordedCurves curves) : BenchObjective
{
    public override string Name => name;
    public override ObjectiveDirection Direction => ObjectiveDirection.Maximize;
    public override int MaxEpochs => RecordedCurves.Epochs;
    public override int GridPoints => RecordedCurves.LrFactors.Length;
    public override int Budget => RecordedCurves.Configs * RecordedCurves.Epochs * 2 / 5;
    public bool Categorical => categorical;
    public RecordedCurves Curves => curves;

    public override SearchSpace Space { get; } = SearchSpace.Create(categorical
        ?
        [
            ParameterSpec.Categorical("freezeDepth", [.. RecordedCurves.FreezeDepths.Cast<object>()]),
            ParameterSpec.Categorical("lrFactor", [.. RecordedCurves.LrFactors.Cast<object>()]),
            ParameterSpec.Categorical("loraRank", [.. RecordedCurves.LoraRanks.Cast<object>()]),
        ]
        :
        [
            ParameterSpec.Int("freezeDepth", RecordedCurves.FreezeDepths[0], RecordedCurves.FreezeDepths[^1]),
            ParameterSpec.Float("lrFactor", RecordedCurves.LrFactors[0], RecordedCurves.LrFactors[^1], ParameterScale.Log),
            ParameterSpec.Categorical("loraRank", [.. RecordedCurves.LoraRanks.Cast<object>()]),
        ]);

    public override int? ConfigId(IReadOnlyDictionary<string, object> p) => RecordedCurves.Nearest(p);

    public override double Value(IReadOnlyDictionary<string, object> p, int epoch, ulong seed) => curves.Value(RecordedCurves.Nearest(p), epoch, seed);
}
