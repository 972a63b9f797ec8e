namespace ClusterTune.Search.Bench;

/// <summary>
/// A learning-curve simulator for fine-tuning (validation accuracy in %, maximise) over freezeDepth k ∈ 0..4,
/// lrFactor f ∈ [1e-3, 1] (log) and loraRank r ∈ {0, 4, 8, 16}, R = 27 epochs. Shaped like real fine-tuning:
/// - the best LR depends on the method: full fine-tuning wants log10 f* = −1 + 0.1k, LoRA wants −0.6; d = log10 f − log10 f*;
/// - the plateau A = A0(k, r) − 7d² where full fine-tuning overfits with few labels unless some blocks are frozen
///   (A0 = 87.5 + 2.4k − 0.7k²) and LoRA is better with a moderate rank (A0 = 88.5 + 1.2L − 0.4L² + k − 0.35k², L = log2(r/4));
/// - saturating: acc(t) = 10 + (A − 10)(1 − e^(−t/τ)), τ = 1.5·10^(−0.3d)(1 + 0.1k)(1.2 if LoRA), clamped to [0.4, 80];
/// - crossing: too high an LR rises fast then degrades by over·t/R, over = max(0, d)·(4 full, 2 LoRA), and too low
///   an LR rises slowly but ends higher than a slightly-too-high one (so rungs before ~R/3 can mislead);
/// - noisy: + 0.25·N(0,1) per (seed, k, f bits, r, epoch), from <see cref="SimHash"/>.
/// optuna_runner.py implements the identical formula.
/// </summary>
internal sealed class FineTuneCurves : BenchObjective
{
    public override string Name => "finetune-sim";
    public override ObjectiveDirection Direction => ObjectiveDirection.Maximize;
    public override int MaxEpochs => 27;
    public override int GridPoints => 5;
    public override int Budget => 2700;
    private const string FreezeDepth = "freezeDepth";
    private const string LrFactor = "lrFactor";
    private const string LoraRank = "loraRank";

    /// <summary>The simulator's own domain (wider than the API's default ranges, docs/api.md); optuna_runner.py uses the same.</summary>
    public override SearchSpace Space { get; } = SearchSpace.Create(
    [
        ParameterSpec.Int(FreezeDepth, 0, 4),
        ParameterSpec.Float(LrFactor, 0.001, 1.0, ParameterScale.Log),
        ParameterSpec.Categorical(LoraRank, 0L, 4L, 8L, 16L),
    ]);

    public static double Curve(long k, double f, long r, int epoch, ulong seed, int maxEpochs = 27)
    {
        var lf = Math.Log10(f);
        var opt = r == 0 ? -1.0 + (0.1 * k) : -0.6;
        var d = lf - opt;
        double a0;
        if (r == 0)
        {
            a0 = 87.5 + (2.4 * k) - (0.7 * k * k);
        }
        else
        {
            var l = Math.Log2(r / 4.0);
            a0 = 88.5 + (1.2 * l) - (0.4 * l * l) + (1.0 * k) - (0.35 * k * k);
        }

        var a = a0 - (7.0 * d * d);
        var tau = 1.5 * Math.Pow(10.0, -0.3 * d) * (1.0 + (0.1 * k)) * (r == 0 ? 1.0 : 1.2);
        tau = Math.Min(80.0, Math.Max(0.4, tau));
        var over = Math.Max(0.0, d) * (r == 0 ? 4.0 : 2.0);
        var frac = epoch / (double)maxEpochs;
        var acc = 10.0 + ((a - 10.0) * (1.0 - Math.Exp(-epoch / tau))) - (over * frac);
        return acc + (0.25 * SimHash.Gaussian(seed, (ulong)k, SimHash.Bits(f), (ulong)r, (ulong)epoch));
    }

    public override double Value(IReadOnlyDictionary<string, object> p, int epoch, ulong seed) =>
        Curve(Convert.ToInt64(p[FreezeDepth], System.Globalization.CultureInfo.InvariantCulture), D(p, LrFactor),
            Convert.ToInt64(p[LoraRank], System.Globalization.CultureInfo.InvariantCulture), epoch, seed, MaxEpochs);
}
