using ClusterTune.Trainer.Contract;
using ClusterTune.Trainer.Torch;

namespace ClusterTune.Trainer.Tests.Torch;

public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData(null, false, 0, "cpu")]
    [InlineData("", true, 2, "cuda:0")]
    [InlineData("auto", false, 0, "cpu")]
    [InlineData("auto", true, 1, "cuda:0")]
    [InlineData(" AUTO ", true, 0, "cpu")]
    [InlineData("cpu", true, 4, "cpu")]
    [InlineData("cuda", true, 1, "cuda:0")]
    [InlineData("cuda:1", true, 2, "cuda:1")]
    [InlineData("CUDA:0", true, 1, "cuda:0")]
    public void TheSettingAndTheRuntimePickTheDevice(string? setting, bool cudaAvailable, int count, string expected) =>
        Assert.Equal(expected, DeviceSelection.Resolve(setting, cudaAvailable, count));

    [Theory]
    [InlineData("gpu", "not a device")]
    [InlineData("cuda:", "not a device")]
    [InlineData("cuda:-1", "not a device")]
    [InlineData("cuda:x", "not a device")]
    [InlineData("cuda", "reports no CUDA device")]
    [InlineData("cuda:0", "reports no CUDA device")]
    public void AnUnusableSettingIsAClearErrorNamingTheVariable(string setting, string reason)
    {
        var e = Assert.Throws<TrialConfigurationException>(() => DeviceSelection.Resolve(setting, cudaAvailable: false, cudaDeviceCount: 0));
        Assert.Contains("CT_DEVICE", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void AGpuIndexBeyondTheVisibleOnesNamesTheRange() =>
        Assert.Contains("cuda:0..cuda:1", Assert.Throws<TrialConfigurationException>(() => DeviceSelection.Resolve("cuda:2", true, 2)).Message);
}
