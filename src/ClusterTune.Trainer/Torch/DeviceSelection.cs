using System.Globalization;
using ClusterTune.Api.Contract;
using ClusterTune.Trainer.Contract;

namespace ClusterTune.Trainer.Torch;

/// <summary>
/// CT_DEVICE: <c>auto</c> (CUDA when TorchSharp reports a device, else the CPU), <c>cpu</c>, <c>cuda</c> or
/// <c>cuda:N</c>. A pure function of the setting and what the runtime reports, so the choice is table-tested.
/// </summary>
public static class DeviceSelection
{
    public const string Auto = "auto";
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";

    /// <summary>The device string TorchSharp understands ("cpu", "cuda:0"), or a clear error naming CT_DEVICE.</summary>
    public static string Resolve(string? setting, bool cudaAvailable, int cudaDeviceCount)
    {
        var value = string.IsNullOrWhiteSpace(setting) ? Auto : setting.Trim().ToLowerInvariant();
        if (value == Auto)
        {
            return cudaAvailable && cudaDeviceCount > 0 ? $"{Cuda}:0" : Cpu;
        }

        if (value == Cpu)
        {
            return Cpu;
        }

        var index = 0;
        if (value != Cuda)
        {
            if (!value.StartsWith(Cuda + ":", StringComparison.Ordinal)
                || !int.TryParse(value.AsSpan(Cuda.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out index))
            {
                throw new TrialConfigurationException($"{TrialEnv.Device}='{setting}' is not a device; use auto, cpu, cuda or cuda:N (N = 0, 1, ...)");
            }
        }

        if (!cudaAvailable || cudaDeviceCount == 0)
        {
            throw new TrialConfigurationException(
                $"{TrialEnv.Device}='{setting}' asks for CUDA but TorchSharp reports no CUDA device (no GPU visible to this process, or the CPU build of LibTorch); use {TrialEnv.Device}=cpu or auto, or run the CUDA trainer image on a GPU node");
        }

        if (index >= cudaDeviceCount)
        {
            throw new TrialConfigurationException($"{TrialEnv.Device}='{setting}' names GPU {index} but only {cudaDeviceCount} are visible (cuda:0..cuda:{cudaDeviceCount - 1})");
        }

        return $"{Cuda}:{index}";
    }
}
