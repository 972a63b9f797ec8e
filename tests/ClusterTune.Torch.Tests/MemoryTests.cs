using ClusterTune.Torch.Modules;
using ClusterTune.Torch.Optim;

namespace ClusterTune.Torch.Tests;

public sealed class MemoryTests
{
    // A leak test, not a timing test: every step allocates ~2 MB of activations and gradients, so a loop that
    // leaked them would grow by hundreds of MB over 300 steps; with a DisposeScope per step RSS stays flat.
    [Fact]
    public void TrainingLoop_WithDisposeScopePerStep_DoesNotGrowMemory()
    {
        using var gen = new Generator(5);
        using var model = new Sequential(
            new Conv2d(1, 16, 3, padding: 1, generator: gen), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(16 * 8 * 8, 10, generator: gen));
        using var opt = new AdamW([new ParamGroup(model.Parameters().ToList(), 1e-3)]);
        using var x = Tensor.Randn([32, 1, 16, 16], gen);
        using var y = Tensor.RandInt(0, 10, [32], gen);

        void Step()
        {
            using var scope = DisposeScope.Begin();
            opt.ZeroGrad();
            var logits = model.Forward(x);
            var loss = Functional.CrossEntropy(logits, y, labelSmoothing: 0.1);
            loss.Backward();
            opt.Step();
            using var grads = model.Parameters().First().Grad;   // a read of a gradient handle must not leak either
            _ = loss.Item();
        }

        for (var i = 0; i < 50; i++) Step();   // warm-up: allocator pools, optimizer state, oneDNN caches
        var before = RssBytes();
        for (var i = 0; i < 300; i++) Step();
        var growth = RssBytes() - before;
        Assert.True(growth < 24L << 20, $"RSS grew by {growth >> 20} MiB over 300 steps");
    }

    private static long RssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("VmRSS not found in /proc/self/status");
    }
}
