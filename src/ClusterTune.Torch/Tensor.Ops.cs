namespace ClusterTune.Torch;

public sealed partial class Tensor
{
    // Op codes of ct_unary / ct_binary / ct_scalar_op / ct_reduce / ct_shape_op / ct_index_op (native/tensor.cpp).
    private Tensor Unary(int op) => From(NativeMethods.ct_unary(op, Handle, out var r), r);

    private Tensor Binary(int op, Tensor other) => From(NativeMethods.ct_binary(op, Handle, other.Handle, out var r), r);

    private Tensor ScalarOp(int op, double s) =>
        From(NativeMethods.ct_scalar_op(op, Handle, s, double.IsInteger(s) && Math.Abs(s) < 9e15 ? 1 : 0, out var r), r);

    private unsafe Tensor Reduce(int op, ReadOnlySpan<long> dims, bool keepDim)
    {
        fixed (long* d = dims) return From(NativeMethods.ct_reduce(op, Handle, d, dims.Length, keepDim ? 1 : 0, out var r), r);
    }

    private unsafe Tensor ShapeOp(int op, ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape) return From(NativeMethods.ct_shape_op(op, Handle, s, shape.Length, out var r), r);
    }

    private Tensor IndexOp(int op, long i, long j = 0, long k = 0) => From(NativeMethods.ct_index_op(op, Handle, i, j, k, out var r), r);

    // ---- elementwise ----
    /// <summary>-x.</summary>
    public Tensor Neg() => Unary(0);
    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Unary(1);
    /// <summary>GELU, exact (erf) or the tanh approximation.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => Unary(tanhApproximation ? 3 : 2);
    /// <summary>tanh(x).</summary>
    public Tensor Tanh() => Unary(4);
    /// <summary>1 / (1 + e^-x).</summary>
    public Tensor Sigmoid() => Unary(5);
    /// <summary>e^x.</summary>
    public Tensor Exp() => Unary(6);
    /// <summary>ln x.</summary>
    public Tensor Log() => Unary(7);
    /// <summary>√x.</summary>
    public Tensor Sqrt() => Unary(8);
    /// <summary>1/√x.</summary>
    public Tensor Rsqrt() => Unary(9);
    /// <summary>|x|.</summary>
    public Tensor Abs() => Unary(10);
    /// <summary>x².</summary>
    public Tensor Square() => Unary(11);
    /// <summary>Transpose of a 2-d tensor (PyTorch's t()).</summary>
    public Tensor T() => Unary(12);
    /// <summary>A copy that stays in the autograd graph.</summary>
    public Tensor Clone() => Unary(13);
    /// <summary>The same data outside the autograd graph.</summary>
    public Tensor Detach() => Unary(14);
    /// <summary>This tensor in contiguous memory (a copy only if needed).</summary>
    public Tensor Contiguous() => Unary(15);
    /// <summary>x·sigmoid(x).</summary>
    public Tensor Silu() => Unary(16);
    /// <summary>sin x.</summary>
    public Tensor Sin() => Unary(17);
    /// <summary>cos x.</summary>
    public Tensor Cos() => Unary(18);
    /// <summary>Logical not (bool result).</summary>
    public Tensor LogicalNot() => Unary(19);
    /// <summary>Rounds down.</summary>
    public Tensor Floor() => Unary(20);
    /// <summary>Zeros of the same shape, dtype and device.</summary>
    public Tensor ZerosLike() => Unary(21);
    /// <summary>Ones of the same shape, dtype and device.</summary>
    public Tensor OnesLike() => Unary(22);
    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze() => Unary(23);
    /// <summary>-1, 0 or 1 per element.</summary>
    public Tensor Sign() => Unary(24);

    /// <summary>this + other (broadcasting).</summary>
    public Tensor Add(Tensor other) => Binary(0, other);
    /// <summary>this - other.</summary>
    public Tensor Sub(Tensor other) => Binary(1, other);
    /// <summary>this * other, elementwise.</summary>
    public Tensor Mul(Tensor other) => Binary(2, other);
    /// <summary>this / other (true division).</summary>
    public Tensor Div(Tensor other) => Binary(3, other);
    /// <summary>Matrix product with PyTorch's matmul broadcasting rules.</summary>
    public Tensor MatMul(Tensor other) => Binary(4, other);
    /// <summary>Elementwise ==, bool result.</summary>
    public Tensor Eq(Tensor other) => Binary(5, other);
    /// <summary>Elementwise !=.</summary>
    public Tensor Ne(Tensor other) => Binary(6, other);
    /// <summary>Elementwise &lt;.</summary>
    public Tensor Lt(Tensor other) => Binary(7, other);
    /// <summary>Elementwise &lt;=.</summary>
    public Tensor Le(Tensor other) => Binary(8, other);
    /// <summary>Elementwise &gt;.</summary>
    public Tensor Gt(Tensor other) => Binary(9, other);
    /// <summary>Elementwise &gt;=.</summary>
    public Tensor Ge(Tensor other) => Binary(10, other);
    /// <summary>Elementwise maximum.</summary>
    public Tensor Maximum(Tensor other) => Binary(11, other);
    /// <summary>Elementwise minimum.</summary>
    public Tensor Minimum(Tensor other) => Binary(12, other);
    /// <summary>this ^ exponent, elementwise.</summary>
    public Tensor Pow(Tensor exponent) => Binary(13, exponent);
    /// <summary>Logical and.</summary>
    public Tensor LogicalAnd(Tensor other) => Binary(14, other);
    /// <summary>Logical or.</summary>
    public Tensor LogicalOr(Tensor other) => Binary(15, other);

    // Whole-number scalars are passed as integers so integer tensors keep their dtype (as `t + 1` in Python).
    /// <summary>this + s.</summary>
    public Tensor Add(double s) => ScalarOp(0, s);
    /// <summary>this - s.</summary>
    public Tensor Sub(double s) => ScalarOp(1, s);
    /// <summary>this * s.</summary>
    public Tensor Mul(double s) => ScalarOp(2, s);
    /// <summary>this / s.</summary>
    public Tensor Div(double s) => ScalarOp(3, s);
    /// <summary>s - this.</summary>
    public Tensor RSub(double s) => ScalarOp(4, s);
    /// <summary>s / this.</summary>
    public Tensor RDiv(double s) => ScalarOp(5, s);
    /// <summary>this ^ s.</summary>
    public Tensor Pow(double s) => ScalarOp(6, s);
    /// <summary>this == s.</summary>
    public Tensor Eq(double s) => ScalarOp(7, s);
    /// <summary>this != s.</summary>
    public Tensor Ne(double s) => ScalarOp(8, s);
    /// <summary>this &lt; s.</summary>
    public Tensor Lt(double s) => ScalarOp(9, s);
    /// <summary>this &lt;= s.</summary>
    public Tensor Le(double s) => ScalarOp(10, s);
    /// <summary>this &gt; s.</summary>
    public Tensor Gt(double s) => ScalarOp(11, s);
    /// <summary>this &gt;= s.</summary>
    public Tensor Ge(double s) => ScalarOp(12, s);
    /// <summary>max(this, s).</summary>
    public Tensor ClampMin(double s) => ScalarOp(13, s);
    /// <summary>min(this, s).</summary>
    public Tensor ClampMax(double s) => ScalarOp(14, s);
    /// <summary>s everywhere, same shape/dtype/device.</summary>
    public Tensor FullLike(double s) => ScalarOp(15, s);
    /// <summary>Clamps to [lo, hi].</summary>
    public Tensor Clamp(double lo, double hi) => From(NativeMethods.ct_clamp(Handle, lo, hi, out var r), r);

    /// <summary>Where mask is true, value; elsewhere this.</summary>
    public Tensor MaskedFill(Tensor mask, double value) => From(NativeMethods.ct_masked_fill(Handle, mask.Handle, value, out var r), r);

    /// <summary>Elementwise choice: a where cond is true, b elsewhere.</summary>
    public static Tensor Where(Tensor cond, Tensor a, Tensor b) => From(NativeMethods.ct_where(cond.Handle, a.Handle, b.Handle, out var r), r);

    // ---- in place (no new tensor; use under Torch.NoGrad() for parameters) ----
    /// <summary>this += alpha * other, in place.</summary>
    public Tensor Add_(Tensor other, double alpha = 1)
    {
        TorchException.Check(NativeMethods.ct_inplace(0, Handle, other.Handle, alpha));
        return this;
    }
    /// <summary>this -= alpha * other, in place.</summary>
    public Tensor Sub_(Tensor other, double alpha = 1)
    {
        TorchException.Check(NativeMethods.ct_inplace(1, Handle, other.Handle, alpha));
        return this;
    }
    /// <summary>this *= other, in place.</summary>
    public Tensor Mul_(Tensor other)
    {
        TorchException.Check(NativeMethods.ct_inplace(2, Handle, other.Handle, 1));
        return this;
    }
    /// <summary>Copies src's values into this tensor (broadcast, converted), keeping this tensor's identity.</summary>
    public Tensor Copy_(Tensor src)
    {
        TorchException.Check(NativeMethods.ct_inplace(4, Handle, src.Handle, 1));
        return this;
    }
    /// <summary>this += s, in place.</summary>
    public Tensor Add_(double s) { TorchException.Check(NativeMethods.ct_inplace_scalar(0, Handle, s)); return this; }
    /// <summary>this *= s, in place.</summary>
    public Tensor Mul_(double s) { TorchException.Check(NativeMethods.ct_inplace_scalar(2, Handle, s)); return this; }
    /// <summary>this /= s, in place.</summary>
    public Tensor Div_(double s) { TorchException.Check(NativeMethods.ct_inplace_scalar(3, Handle, s)); return this; }
    /// <summary>Sets every element to s.</summary>
    public Tensor Fill_(double s) { TorchException.Check(NativeMethods.ct_inplace_scalar(4, Handle, s)); return this; }
    /// <summary>Sets every element to 0.</summary>
    public Tensor Zero_() { TorchException.Check(NativeMethods.ct_inplace_scalar(5, Handle, 0)); return this; }

    // ---- reductions ----
    /// <summary>Sum of all elements (0-d).</summary>
    public Tensor Sum() => Reduce(0, [], false);
    /// <summary>Sum over the given dimensions.</summary>
    public Tensor Sum(ReadOnlySpan<long> dims, bool keepDim = false) => Reduce(0, dims, keepDim);
    /// <summary>Sum over one dimension.</summary>
    public Tensor Sum(long dim, bool keepDim = false) => Reduce(0, [dim], keepDim);
    /// <summary>Mean of all elements (0-d).</summary>
    public Tensor Mean() => Reduce(1, [], false);
    /// <summary>Mean over the given dimensions.</summary>
    public Tensor Mean(ReadOnlySpan<long> dims, bool keepDim = false) => Reduce(1, dims, keepDim);
    /// <summary>Mean over one dimension.</summary>
    public Tensor Mean(long dim, bool keepDim = false) => Reduce(1, [dim], keepDim);
    /// <summary>Maximum over all elements (0-d).</summary>
    public Tensor Max() => Reduce(2, [], false);
    /// <summary>Maximum values over one dimension.</summary>
    public Tensor Max(long dim, bool keepDim = false) => Reduce(2, [dim], keepDim);
    /// <summary>Minimum over all elements (0-d).</summary>
    public Tensor Min() => Reduce(3, [], false);
    /// <summary>Minimum values over one dimension.</summary>
    public Tensor Min(long dim, bool keepDim = false) => Reduce(3, [dim], keepDim);
    /// <summary>Index of the maximum of the flattened tensor.</summary>
    public Tensor ArgMax() => Reduce(4, [], false);
    /// <summary>Indices of the maxima along a dimension (int64).</summary>
    public Tensor ArgMax(long dim, bool keepDim = false) => Reduce(4, [dim], keepDim);
    /// <summary>Indices of the minima along a dimension (int64).</summary>
    public Tensor ArgMin(long dim, bool keepDim = false) => Reduce(5, [dim], keepDim);
    /// <summary>log Σ exp over a dimension, computed stably.</summary>
    public Tensor LogSumExp(long dim, bool keepDim = false) => Reduce(6, [dim], keepDim);
    /// <summary>Population variance over the given dimensions.</summary>
    public Tensor Var(ReadOnlySpan<long> dims, bool keepDim = false) => Reduce(7, dims, keepDim);
    /// <summary>Population standard deviation over the given dimensions.</summary>
    public Tensor Std(ReadOnlySpan<long> dims, bool keepDim = false) => Reduce(8, dims, keepDim);
    /// <summary>True if every element is non-zero.</summary>
    public Tensor All() => Reduce(9, [], false);
    /// <summary>True if any element is non-zero.</summary>
    public Tensor Any() => Reduce(10, [], false);

    // ---- shape ----
    /// <summary>The same data with a new shape (a copy if needed); one dimension may be -1.</summary>
    public Tensor Reshape(params long[] shape) => ShapeOp(0, shape);
    /// <summary>A view with a new shape (fails if the memory layout does not allow it).</summary>
    public Tensor View(params long[] shape) => ShapeOp(1, shape);
    /// <summary>Reorders dimensions.</summary>
    public Tensor Permute(params long[] dims) => ShapeOp(2, dims);
    /// <summary>Broadcasts to a larger shape without copying (-1 keeps a size).</summary>
    public Tensor Expand(params long[] shape) => ShapeOp(3, shape);
    /// <summary>Tiles the tensor.</summary>
    public Tensor Repeat(params long[] repeats) => ShapeOp(4, repeats);
    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(long dim0, long dim1) => IndexOp(0, dim0, dim1);
    /// <summary>Flattens dimensions start..end into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => IndexOp(1, startDim, endDim);
    /// <summary>Inserts a dimension of size 1.</summary>
    public Tensor Unsqueeze(long dim) => IndexOp(2, dim);
    /// <summary>Removes a dimension of size 1.</summary>
    public Tensor Squeeze(long dim) => IndexOp(3, dim);
    /// <summary>The slice at index along dim (that dimension removed).</summary>
    public Tensor Select(long dim, long index) => IndexOp(4, dim, index);
    /// <summary>Lower triangle (k-th diagonal and below), zeros elsewhere.</summary>
    public Tensor Tril(long diagonal = 0) => IndexOp(5, diagonal);
    /// <summary>Upper triangle.</summary>
    public Tensor Triu(long diagonal = 0) => IndexOp(6, diagonal);
    /// <summary>Softmax along a dimension.</summary>
    public Tensor Softmax(long dim) => IndexOp(7, dim);
    /// <summary>Log-softmax along a dimension.</summary>
    public Tensor LogSoftmax(long dim) => IndexOp(8, dim);
    /// <summary>One-hot encoding of an int64 tensor (-1 infers the class count).</summary>
    public Tensor OneHot(long numClasses = -1) => IndexOp(9, numClasses);
    /// <summary>length elements from start along dim (a view).</summary>
    public Tensor Narrow(long dim, long start, long length) => IndexOp(10, dim, start, length);
    /// <summary>Elements start..end-1 along dim (a view).</summary>
    public Tensor Slice(long dim, long start, long end) => IndexOp(11, dim, start, end);
    /// <summary>Rows (entries along dim) picked by an int64 index tensor.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => From(NativeMethods.ct_index_select(Handle, dim, index.Handle, out var r), r);
    /// <summary>PyTorch's gather along dim.</summary>
    public Tensor Gather(long dim, Tensor index) => From(NativeMethods.ct_gather(Handle, dim, index.Handle, out var r), r);

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(0, tensors, dim);

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(1, tensors, dim);

    private static unsafe Tensor Join(int op, IReadOnlyList<Tensor> tensors, long dim)
    {
        var n = tensors.Count;
        var ptrs = n <= 64 ? stackalloc IntPtr[n] : new IntPtr[n];
        for (var i = 0; i < n; i++)
        {
            ObjectDisposedException.ThrowIf(tensors[i].IsDisposed, tensors[i]);
            ptrs[i] = tensors[i].Ptr;
        }
        fixed (IntPtr* p = ptrs)
        {
            var status = NativeMethods.ct_join(op, p, n, dim, out var r);
            GC.KeepAlive(tensors);
            return From(status, r);
        }
    }

    // ---- conversion ----
    /// <summary>Converted to a dtype (the same tensor object's data when already of that dtype).</summary>
    public Tensor To(ScalarType dtype) => From(NativeMethods.ct_tensor_to(Handle, (int)dtype, null, 0, out var r), r);
    /// <summary>Moved to a device ("cpu", "cuda", "cuda:1"); the string is passed to libtorch as is.</summary>
    public Tensor To(string device) => From(NativeMethods.ct_tensor_to(Handle, -1, device, 0, out var r), r);
    /// <summary>Converted and moved.</summary>
    public Tensor To(ScalarType dtype, string device) => From(NativeMethods.ct_tensor_to(Handle, (int)dtype, device, 0, out var r), r);

    // ---- operators ----
    /// <summary>Elementwise sum.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Elementwise difference.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Elementwise product.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Elementwise quotient.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double s) => a.Add(s);
    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(double s, Tensor a) => a.Add(s);
    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double s) => a.Sub(s);
    /// <summary>Scalar minus tensor.</summary>
    public static Tensor operator -(double s, Tensor a) => a.RSub(s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Mul(s);
    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Mul(s);
    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Div(s);
    /// <summary>Scalar divided by tensor.</summary>
    public static Tensor operator /(double s, Tensor a) => a.RDiv(s);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
