namespace ClusterTune.Search.Bench;

/// <summary>
/// Hartmann-6 on [0,1]^6 (minimum −3.32237) made multi-fidelity: after epoch t of R the value is
/// f(x) + (1 − t/R)·(0.5 + (1 + sin(3·x0 + 2·x3))/2).
/// </summary>
internal sealed class Hartmann6 : BenchObjective
{
    private static readonly double[] Alpha = [1.0, 1.2, 3.0, 3.2];
    private static readonly double[,] A =
    {
        { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] P =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 }, { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 }, { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    public override string Name => "hartmann6";
    public override ObjectiveDirection Direction => ObjectiveDirection.Minimize;
    public override int MaxEpochs => 9;
    public override int GridPoints => 3;
    public override int Budget => 1200;
    public override SearchSpace Space { get; } = SearchSpace.Create(Enumerable.Range(0, 6).Select(i => ParameterSpec.Float($"x{i}", 0, 1)));

    public static double F(double[] x)
    {
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++)
            {
                var d = x[j] - P[i, j];
                inner += A[i, j] * d * d;
            }

            sum += Alpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }

    public override double Value(IReadOnlyDictionary<string, object> p, int epoch, ulong seed)
    {
        var x = Enumerable.Range(0, 6).Select(i => D(p, $"x{i}")).ToArray();
        var bias = 0.5 + ((1 + Math.Sin((3 * x[0]) + (2 * x[3]))) / 2);
        return F(x) + ((1 - (epoch / (double)MaxEpochs)) * bias);
    }
}
