namespace ClusterTune.Torch.Tests;

/// <summary>Compares autograd gradients with central finite differences in float64.</summary>
internal static class GradCheck
{
    /// <summary>
    /// f maps float64 input tensors to an output tensor; the checked scalar is sum(f(x) * w) with a fixed random w,
    /// so outputs whose plain sum is constant (softmax) still get a meaningful gradient.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, (double[] Data, long[] Shape)[] inputs, double h = 1e-6, double tol = 1e-6)
    {
        using var scope = DisposeScope.Begin();
        using var gen = new Generator(1234);
        var xs = inputs.Select(i => Tensor.FromArray((double[])i.Data.Clone(), i.Shape).RequiresGrad_()).ToArray();
        var y = f(xs);
        var w = Tensor.Randn(y.Shape, gen, ScalarType.Float64);
        var wArr = w.ToArray<double>();
        var yShape = y.Shape;
        y.Mul(w).Sum().Backward();
        for (var k = 0; k < inputs.Length; k++)
        {
            var analytic = xs[k].Grad?.ToArray<double>() ?? new double[inputs[k].Data.Length];
            for (var i = 0; i < inputs[k].Data.Length; i++)
            {
                var plus = Eval(f, inputs, k, i, +h, wArr, yShape);
                var minus = Eval(f, inputs, k, i, -h, wArr, yShape);
                var numeric = (plus - minus) / (2 * h);
                var err = Math.Abs(numeric - analytic[i]);
                Assert.True(err <= tol * Math.Max(1, Math.Abs(numeric)),
                    $"input {k} element {i}: autograd {analytic[i]:G10} vs finite difference {numeric:G10}");
            }
        }
    }

    private static double Eval(Func<Tensor[], Tensor> f, (double[] Data, long[] Shape)[] inputs, int k, int i, double delta, double[] w, long[] yShape)
    {
        using var scope = DisposeScope.Begin();
        using var noGrad = Torch.NoGrad();
        var xs = new Tensor[inputs.Length];
        for (var j = 0; j < inputs.Length; j++)
        {
            var d = (double[])inputs[j].Data.Clone();
            if (j == k) d[i] += delta;
            xs[j] = Tensor.FromArray(d, inputs[j].Shape);
        }
        var y = f(xs).ToArray<double>();
        double s = 0;
        for (var j = 0; j < y.Length; j++) s += y[j] * w[j];
        return s;
    }

    /// <summary>Deterministic pseudo-random values in [-1, 1) (a seeded System.Random).</summary>
    public static (double[] Data, long[] Shape) Rand(int seed, params long[] shape)
    {
        var rng = new Random(seed);
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        return (Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), shape);
    }
}
