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
