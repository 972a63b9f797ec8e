using System.Runtime.InteropServices;
using System.Text;

namespace ClusterTune.Torch;

/// <summary>
/// A libtorch tensor behind a SafeHandle. Dispose it (or create it inside a <see cref="DisposeScope"/>): the
/// finalizer frees it too, but the GC does not see native memory and would let a training loop grow without bound.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    internal readonly TensorHandle Handle;
    internal DisposeScope? Scope;

    internal Tensor(IntPtr handle)
    {
        Handle = new TensorHandle(handle);
        DisposeScope.Track(this);
    }

    /// <summary>Wraps the result of a shim call that returned a tensor, or throws the libtorch error.</summary>
    internal static Tensor From(int status, IntPtr result)
    {
        if (status != 0) throw TorchException.FromNative();
        return new Tensor(result);
    }

    internal IntPtr Ptr => Handle.DangerousGetHandle();

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Handle.IsClosed;

    /// <summary>Frees the native tensor now (autograd graphs that still reference it keep its storage alive).</summary>
    public void Dispose()
    {
        Scope = null;
        Handle.Dispose();
    }

    /// <summary>Number of dimensions.</summary>
    public int Dim => NativeMethods.ct_tensor_ndim(Handle);

    /// <summary>Number of elements.</summary>
    public long NumElements => NativeMethods.ct_tensor_numel(Handle);

    /// <summary>Element type.</summary>
    public ScalarType DType => (ScalarType)NativeMethods.ct_tensor_dtype(Handle);

    /// <summary>Sizes of every dimension.</summary>
    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) NativeMethods.ct_tensor_shape(Handle, p);
            return shape;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public long Size(int dim)
    {
        var s = Shape;
        var d = dim < 0 ? dim + s.Length : dim;
        if (d < 0 || d >= s.Length) throw new ArgumentOutOfRangeException(nameof(dim), $"dimension {dim} is out of range for a {s.Length}-d tensor");
        return s[d];
    }

    /// <summary>Device as libtorch names it ("cpu", "cuda:0").</summary>
    public unsafe string Device
    {
        get
        {
            var buf = stackalloc byte[64];
            TorchException.Check(NativeMethods.ct_tensor_device(Handle, buf, 64));
            return Marshal.PtrToStringUTF8((IntPtr)buf) ?? "cpu";
        }
    }

    /// <summary>Whether autograd records operations on this tensor.</summary>
    public bool RequiresGrad
    {
        get => NativeMethods.ct_tensor_requires_grad(Handle) != 0;
        set => TorchException.Check(NativeMethods.ct_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool on = true)
    {
        RequiresGrad = on;
        return this;
    }

    /// <summary>True for tensors not produced by a recorded operation (parameters, inputs).</summary>
    public bool IsLeaf => NativeMethods.ct_tensor_is_leaf(Handle) != 0;

    /// <summary>The accumulated gradient (a new handle the caller owns), or null if there is none.</summary>
    public Tensor? Grad
    {
        get
        {
            TorchException.Check(NativeMethods.ct_tensor_grad(Handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set
        {
            TorchException.Check(NativeMethods.ct_tensor_set_grad(Handle, value?.Ptr ?? IntPtr.Zero));
            GC.KeepAlive(value);
        }
    }

    /// <summary>Drops the gradient (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad() => TorchException.Check(NativeMethods.ct_tensor_set_grad(Handle, IntPtr.Zero));

    /// <summary>Back-propagates from this tensor (a scalar unless <paramref name="gradient"/> is given).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false)
    {
        TorchException.Check(NativeMethods.ct_tensor_backward(Handle, gradient?.Ptr ?? IntPtr.Zero, retainGraph ? 1 : 0));
        GC.KeepAlive(gradient);
    }

    /// <summary>Copies the elements (converted to T's dtype, moved to the CPU) into a new array in row-major order.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        var dtype = DTypes.Of<T>();
        var n = NumElements;
        var data = new T[n];
        fixed (T* p = data) TorchException.Check(NativeMethods.ct_tensor_copy_out(Handle, (int)dtype, p, n));
        return data;
    }

    /// <summary>Copies the raw elements in the tensor's own dtype (CPU, contiguous, little-endian) into dst.</summary>
    public unsafe void CopyBytesTo(Span<byte> destination)
    {
        var dtype = DType;
        var n = NumElements;
        var need = n * DTypes.SizeOf(dtype);
        if (destination.Length != need)
            throw new ArgumentException($"destination has {destination.Length} bytes but the tensor needs {need} ({n} × {dtype})", nameof(destination));
        fixed (byte* p = destination) TorchException.Check(NativeMethods.ct_tensor_copy_out(Handle, (int)dtype, p, n));
    }

    /// <summary>Size in bytes of the elements in the tensor's dtype.</summary>
    public long ByteSize => NumElements * DTypes.SizeOf(DType);

    /// <summary>The value of a one-element tensor as a double.</summary>
    public double Item()
    {
        TorchException.Check(NativeMethods.ct_tensor_item(Handle, out var v));
        return v;
    }

    /// <summary>The value of a one-element tensor converted to T.</summary>
    public T Item<T>() where T : unmanaged
    {
        if (NumElements != 1) throw new InvalidOperationException($"Item needs a one-element tensor, this one has shape [{string.Join(", ", Shape)}]");
        return ToArray<T>()[0];
    }

    /// <summary>Shape, dtype and device, e.g. "Tensor[2, 3] Float32 cpu".</summary>
    public override string ToString()
    {
        if (IsDisposed) return "Tensor (disposed)";
        var sb = new StringBuilder("Tensor[");
        sb.AppendJoin(", ", Shape).Append("] ").Append(DType).Append(' ').Append(Device);
        if (RequiresGrad) sb.Append(" requires_grad");
        return sb.ToString();
    }
}
