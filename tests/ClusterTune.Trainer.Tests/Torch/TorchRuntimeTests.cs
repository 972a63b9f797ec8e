using ClusterTune.Trainer.Torch;

namespace ClusterTune.Trainer.Tests.Torch;

public sealed class TorchRuntimeTests
{
    // The operator's own malloc settings win; otherwise mallopt (libc, through P/Invoke) must accept both thresholds.
    [Theory]
    [InlineData(null, null, null, true)]
    [InlineData("65536", null, null, false)]
    [InlineData(null, "1048576", null, false)]
    [InlineData(null, null, "glibc.malloc.trim_threshold=1", false)]
    [InlineData(null, null, "glibc.rtld.optional_static_tls=1", true)]
    public void FreedHostMemoryIsRetainedUnlessTheOperatorTunedMalloc(string? mmap, string? trim, string? tunables, bool expected)
    {
        var env = new Dictionary<string, string?>
        {
            ["MALLOC_MMAP_THRESHOLD_"] = mmap,
            ["MALLOC_TRIM_THRESHOLD_"] = trim,
            ["GLIBC_TUNABLES"] = tunables,
        };
        Assert.Equal(expected, TorchRuntime.RetainFreedHostMemory(name => env.GetValueOrDefault(name)));
    }
}
