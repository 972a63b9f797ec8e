namespace ClusterTune.Torch;

/// <summary>
/// Sets libtorch's grad mode for the current OS thread until disposed, then restores the previous mode. Grad mode
/// is thread-local in libtorch: do not await inside the scope, and dispose it on the thread that created it.
/// </summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private readonly int _threadId;
    private bool _disposed;

    internal GradModeScope(bool enabled)
    {
        _threadId = Environment.CurrentManagedThreadId;
        _previous = NativeMethods.ct_grad_enabled() != 0;
        NativeMethods.ct_set_grad_enabled(enabled ? 1 : 0);
    }

    /// <summary>Restores the grad mode that was active when the scope was opened.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("grad mode is per thread in libtorch: dispose the scope on the thread that opened it (no await inside)");
        _disposed = true;
        NativeMethods.ct_set_grad_enabled(_previous ? 1 : 0);
    }
}
