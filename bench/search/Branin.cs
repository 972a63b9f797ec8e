namespace ClusterTune.Search.Bench;

/// <summary>
/// Branin (minimum 0.397887) made multi-fidelity: after epoch t of R the value is f(x) + (1 − t/R)·(5 + 10·s(x)) with
/// s(x) = (1 + sin(x1 + x2/2))/2, so early epochs rank configurations imperfectly and the last epoch is exact.
/// </summary>
internal sealed class Branin : BenchObjective
{
    public override string Name => "branin";
    public override ObjectiveDirection Direction => ObjectiveDirection.Minimize;
    public override int MaxEpochs => 9;
    public override int GridPoints => 10;
    public override int Budget => 900;
    public override SearchSpace Space { get; } = SearchSpace.Create([ParameterSpec.Float("x1", -5, 10), ParameterSpec.Float("x2", 0, 15)]);

    public static double F(double x1, double x2)
    {
        var b = 5.1 / (4 * Math.PI * Math.PI);
        var c = 5 / Math.PI;
        var t = 1 / (8 * Math.PI);
        var q = x2 - (b * x1 * x1) + (c * x1) - 6;
        return (q * q) + (10 * (1 - t) * Math.Cos(x1)) + 10;
    }

    public override double Value(IReadOnlyDictionary<string, object> p, int epoch, ulong seed)
    {
        double x1 = D(p, "x1"), x2 = D(p, "x2");
        var s = (1 + Math.Sin(x1 + (0.5 * x2))) / 2;
        return F(x1, x2) + ((1 - (epoch / (double)MaxEpochs)) * (5 + (10 * s)));
    }
}
