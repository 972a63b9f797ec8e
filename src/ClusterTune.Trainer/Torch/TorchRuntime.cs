using System.Runtime.InteropServices;
using TorchSharp;

namespace ClusterTune.Trainer.Torch;

/// <summary>
/// Process-wide settings of a training run that TorchSharp leaves to the program: thread count, device choice, and
/// glibc's malloc thresholds (why they matter: docs/trainer.md, "Host memory between steps").
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>Largest block glibc serves from the heap once <see cref="RetainFreedHostMemory"/> ran.</summary>
    public const int RetainedMmapThreshold = 32 << 20;

    /// <summary>Free heap top glibc keeps mapped once <see cref="RetainFreedHostMemory"/> ran.</summary>
    public const int RetainedTrimThreshold = 512 << 20;

    // mallopt(3) parameter numbers from glibc's <malloc.h>.
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    /// <summary>Sets intra-op threads and picks the device named by CT_DEVICE (see <see cref="DeviceSelection"/>).</summary>
    public static torch.Device Start(int threads, string? deviceSetting)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        torch.set_num_threads(threads);
        var cuda = torch.cuda.is_available();
        return torch.device(DeviceSelection.Resolve(deviceSetting, cuda, cuda ? torch.cuda.device_count() : 0));
    }

    /// <summary>
    /// Keeps tensor memory freed by one training step mapped for the next one. With glibc's dynamic thresholds a .NET
    /// trainer (its data sit in managed arrays, so early frees are small) keeps trimming the heap top and re-faulting
    /// every step's activations. Sets fixed thresholds unless the operator chose their own through
    /// MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES. Returns whether it set them.
    /// </summary>
    public static bool RetainFreedHostMemory(Func<string, string?> environment)
    {
        if (!OperatingSystem.IsLinux()
            || environment("MALLOC_MMAP_THRESHOLD_") is not null
            || environment("MALLOC_TRIM_THRESHOLD_") is not null
            || environment("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true)
        {
            return false;
        }

        // mallopt returns 1 on success, 0 on error.
        return Mallopt(MMmapThreshold, RetainedMmapThreshold) == 1 && Mallopt(MTrimThreshold, RetainedTrimThreshold) == 1;
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int Mallopt(int parameter, int value);
}
