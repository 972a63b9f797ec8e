namespace ClusterTune.Torch;

public sealed partial class Tensor
{
    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(float[] data, params long[] shape) => FromSpan<float>(data, shape);

    /// <summary>A new CPU int64 tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(long[] data, params long[] shape) => FromSpan<long>(data, shape);

    /// <summary>A new CPU float64 tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(double[] data, params long[] shape) => FromSpan<double>(data, shape);

    /// <summary>A new CPU int32 tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(int[] data, params long[] shape) => FromSpan<int>(data, shape);

    /// <summary>A new CPU bool tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(bool[] data, params long[] shape) => FromSpan<bool>(data, shape);

    /// <summary>A new CPU tensor holding a copy of <paramref name="data"/>; an empty shape means 1-d of data's length.</summary>
    public static unsafe Tensor FromSpan<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        long oneD = data.Length;
        fixed (T* d = data)
        fixed (long* s = shape)
        {
            var status = shape.Length == 0
                ? NativeMethods.ct_tensor_from_data(d, (long)data.Length * sizeof(T), (int)DTypes.Of<T>(), &oneD, 1, out var r)
                : NativeMethods.ct_tensor_from_data(d, (long)data.Length * sizeof(T), (int)DTypes.Of<T>(), s, shape.Length, out r);
            return From(status, r);
        }
    }

    /// <summary>A new CPU tensor of the given dtype from raw little-endian bytes (e.g. a safetensors payload).</summary>
    public static unsafe Tensor FromBytes(ReadOnlySpan<byte> bytes, ScalarType dtype, ReadOnlySpan<long> shape)
    {
        fixed (byte* d = bytes)
        fixed (long* s = shape)
        {
            var status = NativeMethods.ct_tensor_from_data(d, bytes.Length, (int)dtype, s, shape.Length, out var r);
            return From(status, r);
        }
    }

    /// <summary>A scalar (0-d) float32 tensor.</summary>
    public static unsafe Tensor Scalar(float value)
    {
        var status = NativeMethods.ct_tensor_from_data(&value, sizeof(float), (int)ScalarType.Float32, null, 0, out var r);
        return From(status, r);
    }

    private static unsafe Tensor Fill(int kind, ReadOnlySpan<long> shape, ScalarType dtype, string? device, double value, bool requiresGrad)
    {
        fixed (long* s = shape)
        {
            var t = From(NativeMethods.ct_tensor_fill_new(kind, s, shape.Length, (int)dtype, device, value, out var r), r);
            if (requiresGrad) t.RequiresGrad = true;
            return t;
        }
    }

    /// <summary>Uninitialised memory of the given shape.</summary>
    public static Tensor Empty(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, string? device = null) => Fill(0, shape, dtype, device, 0, false);

    /// <summary>Zeros of the given shape.</summary>
    public static Tensor Zeros(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, string? device = null, bool requiresGrad = false) => Fill(1, shape, dtype, device, 0, requiresGrad);

    /// <summary>Ones of the given shape.</summary>
    public static Tensor Ones(ReadOnlySpan<long> shape, ScalarType dtype = ScalarType.Float32, string? device = null, bool requiresGrad = false) => Fill(2, shape, dtype, device, 0, requiresGrad);

    /// <summary>The given value everywhere.</summary>
    public static Tensor Full(ReadOnlySpan<long> shape, double value, ScalarType dtype = ScalarType.Float32, string? device = null, bool requiresGrad = false) => Fill(3, shape, dtype, device, value, requiresGrad);

    private static unsafe Tensor Random(int kind, ReadOnlySpan<long> shape, Generator? generator, ScalarType dtype, string? device, long low, long high)
    {
        fixed (long* s = shape)
        {
            var status = NativeMethods.ct_tensor_random(kind, s, shape.Length, (int)dtype, device, generator?.Handle.Get() ?? IntPtr.Zero, low, high, out var r);
            GC.KeepAlive(generator);
            return From(status, r);
        }
    }

    /// <summary>Standard normal samples from the generator (or the global one seeded by <see cref="Torch.ManualSeed"/>).</summary>
    public static Tensor Randn(ReadOnlySpan<long> shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, string? device = null) => Random(0, shape, generator, dtype, device, 0, 0);

    /// <summary>Uniform [0, 1) samples.</summary>
    public static Tensor Rand(ReadOnlySpan<long> shape, Generator? generator = null, ScalarType dtype = ScalarType.Float32, string? device = null) => Random(1, shape, generator, dtype, device, 0, 0);

    /// <summary>Uniform integers in [low, high).</summary>
    public static Tensor RandInt(long low, long high, ReadOnlySpan<long> shape, Generator? generator = null, ScalarType dtype = ScalarType.Int64, string? device = null) => Random(2, shape, generator, dtype, device, low, high);

    /// <summary>A random permutation of 0..n-1 (int64).</summary>
    public static Tensor RandPerm(long n, Generator? generator = null)
    {
        var status = NativeMethods.ct_tensor_randperm(n, generator?.Handle.Get() ?? IntPtr.Zero, out var r);
        GC.KeepAlive(generator);
        return From(status, r);
    }

    /// <summary>Values from start (inclusive) to end (exclusive) by step.</summary>
    public static Tensor Arange(double start, double end, double step = 1, ScalarType dtype = ScalarType.Int64, string? device = null) =>
        From(NativeMethods.ct_tensor_arange(start, end, step, (int)dtype, device, out var r), r);

    /// <summary>0..end-1 as int64.</summary>
    public static Tensor Arange(long end) => Arange(0, end);

    /// <summary>Fills this tensor in place with uniform samples in [low, high) without recording a gradient.</summary>
    public Tensor Uniform_(double low, double high, Generator? generator = null)
    {
        TorchException.Check(NativeMethods.ct_tensor_init_(Handle, 0, low, high, generator?.Handle.Get() ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return this;
    }

    /// <summary>Fills this tensor in place with normal samples without recording a gradient.</summary>
    public Tensor Normal_(double mean, double std, Generator? generator = null)
    {
        TorchException.Check(NativeMethods.ct_tensor_init_(Handle, 1, mean, std, generator?.Handle.Get() ?? IntPtr.Zero));
        GC.KeepAlive(generator);
        return this;
    }
}
