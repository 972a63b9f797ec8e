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

    // Counts page faults, not time. Each iteration allocates and frees three 1 MiB tensors (768 pages) on a thread of
    // its own. Control: glibc's initial thresholds (128 KiB) held fixed, under which every tensor is mapped and faulted
    // in afresh, as the trainer's activations were while its dynamic thresholds stayed low. Then the retained ones.
    [Fact]
    public void RetainFreedHostMemory_ReusesFreedTensorMemoryInsteadOfFaultingItInAgain()
    {
        const double pages = 3.0 * (1 << 20) / 4096;
        TorchException.Check(NativeMethods.ct_set_malloc_thresholds(128 << 10, 128 << 10));
        var control = FaultsPerIteration();
        Assert.True(Torch.RetainFreedHostMemory(), "MALLOC_* or GLIBC_TUNABLES malloc settings are set for this test run");
        var retained = FaultsPerIteration();
        Assert.True(control > 0.8 * pages, $"control: {control} faults per iteration, expected about {pages}");
        Assert.True(retained < pages / 10, $"retained thresholds: {retained} faults per iteration over {pages} pages (control {control})");
    }

    private static double FaultsPerIteration()
    {
        static void Iteration()
        {
            using var a = Tensor.Ones([1 << 18]);
            using var b = Tensor.Full([1 << 18], 2.0);
            using var c = Tensor.Ones([1 << 18]);
        }

        double result = 0;
        var thread = new Thread(() =>
        {
            for (var i = 0; i < 10; i++) Iteration();
            var before = MinorFaults();
            for (var i = 0; i < 10; i++) Iteration();
            result = (MinorFaults() - before) / 10.0;
        });
        thread.Start();
        thread.Join();
        return result;
    }

    // Field 10 of /proc/self/stat (minflt), counted after the ')' that ends the command name.
    private static long MinorFaults()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long RssBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        throw new InvalidOperationException("VmRSS not found in /proc/self/status");
    }
}
