namespace ClusterTune.Torch;

/// <summary>Process-wide libtorch settings: seeding, threads, grad mode, the global generator's state.</summary>
public static class Torch
{
    /// <summary>Seeds libtorch's global generator (used by dropout and by creation without a <see cref="Generator"/>).</summary>
    public static void ManualSeed(ulong seed) => TorchException.Check(NativeMethods.ct_manual_seed(seed));

    /// <summary>Intra-op threads (OpenMP). Set it once at start-up: the setting is per OS thread in some backends.</summary>
    public static void SetNumThreads(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchException.Check(NativeMethods.ct_set_num_threads(threads));
    }

    /// <summary>Largest block glibc serves from the heap once <see cref="RetainFreedHostMemory"/> ran (its dynamic ceiling).</summary>
    public const int RetainedMmapThreshold = 32 << 20;

    /// <summary>Free heap top glibc keeps mapped once <see cref="RetainFreedHostMemory"/> ran.</summary>
    public const int RetainedTrimThreshold = 512 << 20;

    /// <summary>
    /// Keeps tensor memory freed by one training step mapped for the next one. With glibc's default dynamic thresholds
    /// a process whose largest early frees were small (a .NET trainer: its data sit in managed arrays) keeps trimming
    /// the heap top and re-faulting every step's activations, which measured 2 300 page faults per step and up to 20 %
    /// of the step time. Sets fixed thresholds (<see cref="RetainedMmapThreshold"/>, <see cref="RetainedTrimThreshold"/>)
    /// unless the operator chose their own through MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES.
    /// Returns whether it set them.
    /// </summary>
    public static bool RetainFreedHostMemory()
    {
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES")?.Contains("glibc.malloc.", StringComparison.Ordinal) == true)
        {
            return false;
        }

        TorchException.Check(NativeMethods.ct_set_malloc_thresholds(RetainedMmapThreshold, RetainedTrimThreshold));
        return true;
    }

    /// <summary>Current intra-op thread count.</summary>
    public static int GetNumThreads() => NativeMethods.ct_get_num_threads();

    /// <summary>True when autograd records operations on this thread.</summary>
    public static bool IsGradEnabled => NativeMethods.ct_grad_enabled() != 0;

    /// <summary>Disables autograd on this thread until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(false);

    /// <summary>Enables autograd on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad() => new(true);

    /// <summary>Opens a <see cref="DisposeScope"/> (one per training step keeps memory flat).</summary>
    public static DisposeScope NewDisposeScope() => DisposeScope.Begin();

    /// <summary>State of the global generator (uint8 tensor), for exact resume of dropout masks.</summary>
    public static Tensor GetRngState() => Tensor.From(NativeMethods.ct_default_generator_get_state(out var r), r);

    /// <summary>Restores the global generator's state.</summary>
    public static void SetRngState(Tensor state) => TorchException.Check(NativeMethods.ct_default_generator_set_state(state.Handle));
}
