using System.Runtime.InteropServices;

namespace ClusterTune.Torch;

/// <summary>Owns one native tensor handle (a heap-allocated at::Tensor) and frees it exactly once.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.ct_tensor_free(handle);
        return true;
    }
}
