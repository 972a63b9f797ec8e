using ClusterTune.Torch.Modules;
using ClusterTune.Torch.Optim;

namespace ClusterTune.Torch.Tests;

public sealed class OptimizerTests
{
    [Fact]
    public void AdamW_OneStep_MatchesHandComputedUpdate()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        var p0 = new[] { 1.0, -2.0, 0.5 };
        var c = new[] { 0.3, -0.7, 2.0 };
        using var p = Tensor.FromArray((double[])p0.Clone(), 3).RequiresGrad_();
        using var opt = new AdamW([new ParamGroup([p], lr, wd)], b1, b2, eps);
        using (var scope = DisposeScope.Begin())
        {
            (p * Tensor.FromArray(c, 3)).Sum().Backward();   // gradient = c
            opt.Step();
        }
        var actual = p.ToArray<double>();
        for (var i = 0; i < 3; i++)
        {
            var decayed = p0[i] - lr * wd * p0[i];
            var m = (1 - b1) * c[i];
            var v = (1 - b2) * c[i] * c[i];
            var mHat = m / (1 - b1);
            var denom = Math.Sqrt(v) / Math.Sqrt(1 - b2) + eps;
            var expected = decayed - lr * mHat / denom;
            Assert.Equal(expected, actual[i], 12);
            _ = mHat;
        }
        using var state = opt.GetState(p)!;
        Assert.Equal(1, state.Step);
        Assert.Equal(c.Select(x => (1 - b1) * x).ToArray(), state.ExpAvg.ToArray<double>(), new Tolerance(1e-15));
    }

    [Fact]
    public void ParamGroups_UseTheirOwnLearningRates_AndLrIsSettablePerStep()
    {
        using var a = Tensor.Zeros([4], ScalarType.Float64).RequiresGrad_();
        using var b = Tensor.Zeros([4], ScalarType.Float64).RequiresGrad_();
        using var opt = new AdamW([new ParamGroup([a], 1e-2, 0, "backbone"), new ParamGroup([b], 1e-3, 0, "head")], eps: 1e-12);
        Step(opt, a, b);
        // Adam's first step moves each element by lr·sign(grad) (|m̂/√v̂| = 1).
        Assert.All(a.ToArray<double>(), v => Assert.Equal(-1e-2, v, 9));
        Assert.All(b.ToArray<double>(), v => Assert.Equal(-1e-3, v, 9));
        opt.SetLrFactor(0.5);
        Assert.Equal(5e-3, opt.GetLr(0), 15);
        Assert.Equal(5e-4, opt.GetLr(1), 15);
        opt.SetLr(1, 0);
        Step(opt, a, b);
        Assert.All(b.ToArray<double>(), v => Assert.Equal(-1e-3, v, 9));
        Assert.Throws<TorchException>(() => opt.SetLr(2, 0.1));
    }

    private static void Step(AdamW opt, Tensor a, Tensor b)
    {
        using var scope = DisposeScope.Begin();
        opt.ZeroGrad();
        (a.Sum() + b.Sum()).Backward();
        opt.Step();
    }

    [Fact]
    public void FrozenParameters_AreUnchangedByAdamWSteps_EvenWithWeightDecay()
    {
        using var gen = new Generator(7);
        using var model = new Sequential(new Linear(4, 8, generator: gen), new ReLU(), new Linear(8, 3, generator: gen));
        var frozen = ((Linear)model[0]).Weight;
        frozen.RequiresGrad = false;
        var before = frozen.ToArray<float>();
        var headBefore = ((Linear)model[2]).Weight.ToArray<float>();
        using var opt = new AdamW([new ParamGroup(model.Parameters().ToList(), 1e-2, 0.1)]);
        using var x = Tensor.Randn([16, 4], gen);
        using var y = Tensor.RandInt(0, 3, [16], gen);
        for (var i = 0; i < 5; i++)
        {
            using var scope = DisposeScope.Begin();
            opt.ZeroGrad();
            Functional.CrossEntropy(model.Forward(x), y).Backward();
            opt.Step();
        }
        Assert.Equal(before, frozen.ToArray<float>());
        Assert.NotEqual(headBefore, ((Linear)model[2]).Weight.ToArray<float>());
        Assert.Equal(8 * 3 + 3 + 8, model.CountParameters(trainableOnly: true));
    }

    [Fact]
    public void StateDict_RoundTrip_ResumesBitExactly()
    {
        var straight = Train(steps: 6, resumeAt: null);
        var resumed = Train(steps: 6, resumeAt: 3);
        Assert.Equal(straight, resumed);
    }

    // Trains a small MLP; with resumeAt, saves weights + optimizer state after that many steps, rebuilds
    // everything from scratch, loads the state and continues.
    private static float[] Train(int steps, int? resumeAt)
    {
        using var gen = new Generator(11);
        using var x = Tensor.Randn([8, 5], gen);
        using var y = Tensor.RandInt(0, 2, [8], gen);
        var model = NewModel();
        var opt = new AdamW([new ParamGroup(model.Parameters().ToList(), 1e-2)]);
        try
        {
            for (var i = 0; i < steps; i++)
            {
                if (i == resumeAt)
                {
                    var weights = model.StateDict().ToDictionary(kv => kv.Key, kv => DisposeScope.Keep(kv.Value.Clone()));
                    var state = opt.StateDict(model.NamedParameters());
                    opt.Dispose();
                    model.Dispose();
                    model = NewModel();
                    model.LoadStateDict(weights);
                    opt = new AdamW([new ParamGroup(model.Parameters().ToList(), 1e-2)]);
                    opt.LoadStateDict(model.NamedParameters(), state);
                    foreach (var t in weights.Values.Concat(state.Values)) t.Dispose();
                }
                using var scope = DisposeScope.Begin();
                opt.ZeroGrad();
                opt.SetLrFactor(new LrSchedule(LrDecay.Cosine, 2, steps).Factor(i + 1));
                Functional.CrossEntropy(model.Forward(x), y).Backward();
                opt.Step();
            }
            return model.Parameters().SelectMany(p => p.ToArray<float>()).ToArray();
        }
        finally
        {
            opt.Dispose();
            model.Dispose();
        }
    }

    private static Sequential NewModel()
    {
        using var g = new Generator(3);
        return new Sequential(new Linear(5, 6, generator: g), new GELU(), new Linear(6, 2, generator: g));
    }

    [Theory]
    [InlineData(LrDecay.Constant, 0, 0.0)]
    [InlineData(LrDecay.Linear, 0, 0.0)]
    [InlineData(LrDecay.Linear, 5, 0.5)]
    [InlineData(LrDecay.Linear, 10, 1.0)]
    [InlineData(LrDecay.Linear, 60, 0.5)]
    [InlineData(LrDecay.Linear, 110, 0.0)]
    [InlineData(LrDecay.Linear, 500, 0.0)]
    [InlineData(LrDecay.Cosine, 10, 1.0)]
    [InlineData(LrDecay.Cosine, 60, 0.5)]
    [InlineData(LrDecay.Cosine, 35, 0.85355339059327373)]
    [InlineData(LrDecay.Cosine, 110, 0.0)]
    [InlineData(LrDecay.Constant, 3, 0.3)]
    [InlineData(LrDecay.Constant, 1000, 1.0)]
    public void LrSchedule_Factor(LrDecay decay, long step, double expected) =>
        Assert.Equal(expected, new LrSchedule(decay, 10, 110).Factor(step), 12);

    [Fact]
    public void LrSchedule_MinFactorAndNoWarmup()
    {
        var s = new LrSchedule(LrDecay.Cosine, 0, 100, MinFactor: 0.1);
        Assert.Equal(1.0, s.Factor(0), 12);
        Assert.Equal(0.55, s.Factor(50), 12);
        Assert.Equal(0.1, s.Factor(100), 12);
        Assert.Equal(0.055, s.LrAt(0.1, 50), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Factor(-1));
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= eps;
        public int GetHashCode(double obj) => 0;
    }
}
