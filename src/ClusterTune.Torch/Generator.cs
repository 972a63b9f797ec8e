namespace ClusterTune.Torch;

/// <summary>A seeded libtorch CPU random generator, so initialisation and sampling are reproducible per run.</summary>
public sealed class Generator : IDisposable
{
    internal readonly NativeHandle Handle;

    /// <summary>Creates a generator seeded with <paramref name="seed"/>.</summary>
    public Generator(ulong seed)
    {
        TorchException.Check(NativeMethods.ct_generator_new(seed, out var h));
        Handle = new NativeHandle(h, NativeMethods.ct_generator_free);
    }

    /// <summary>The full generator state as a uint8 tensor (save it to resume the stream exactly).</summary>
    public Tensor GetState()
    {
        var status = NativeMethods.ct_generator_get_state(Handle.Get(), out var r);
        GC.KeepAlive(this);
        return Tensor.From(status, r);
    }

    /// <summary>Restores a state produced by <see cref="GetState"/>.</summary>
    public void SetState(Tensor state)
    {
        TorchException.Check(NativeMethods.ct_generator_set_state(Handle.Get(), state.Handle));
        GC.KeepAlive(this);
    }

    /// <summary>Frees the native generator.</summary>
    public void Dispose() => Handle.Dispose();
}
