using System.Runtime.InteropServices;

namespace ClusterTune.Torch;

/// <summary>Owns a native object (generator, optimizer) freed by the given function exactly once.</summary>
internal sealed class NativeHandle : SafeHandle
{
    private readonly Action<IntPtr> _free;

    public NativeHandle(IntPtr handle, Action<IntPtr> free) : base(IntPtr.Zero, ownsHandle: true)
    {
        _free = free;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The raw pointer; throws if the owner was disposed (keep the owner alive across the call).</summary>
    public IntPtr Get()
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        return handle;
    }

    protected override bool ReleaseHandle()
    {
        _free(handle);
        return true;
    }
}
