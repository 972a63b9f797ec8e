namespace ClusterTune.Torch;

/// <summary>Stateless neural-network ops (PyTorch's torch.nn.functional); optional tensors may be null.</summary>
public static class Functional
{
    private static IntPtr Opt(Tensor? t)
    {
        if (t is null) return IntPtr.Zero;
        ObjectDisposedException.ThrowIf(t.IsDisposed, t);
        return t.Ptr;
    }

    /// <summary>x·Wᵀ + b.</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        var status = NativeMethods.ct_linear(x.Handle, weight.Handle, Opt(bias), out var r);
        GC.KeepAlive(bias);
        return Tensor.From(status, r);
    }

    /// <summary>2-d convolution of NCHW input with an [out, in/groups, kh, kw] weight.</summary>
    public static unsafe Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, (long H, long W)? stride = null,
        (long H, long W)? padding = null, (long H, long W)? dilation = null, long groups = 1)
    {
        var s = stride ?? (1, 1);
        var p = padding ?? (0, 0);
        var d = dilation ?? (1, 1);
        long* sv = stackalloc long[] { s.H, s.W };
        long* pv = stackalloc long[] { p.H, p.W };
        long* dv = stackalloc long[] { d.H, d.W };
        var status = NativeMethods.ct_conv2d(x.Handle, weight.Handle, Opt(bias), sv, pv, dv, groups, out var r);
        GC.KeepAlive(bias);
        return Tensor.From(status, r);
    }

    private static unsafe Tensor Pool(int op, Tensor x, (long H, long W) kernel, (long H, long W)? stride, (long H, long W)? padding)
    {
        var s = stride ?? kernel;
        var p = padding ?? (0, 0);
        long* kv = stackalloc long[] { kernel.H, kernel.W };
        long* sv = stackalloc long[] { s.H, s.W };
        long* pv = stackalloc long[] { p.H, p.W };
        return Tensor.From(NativeMethods.ct_pool2d(op, x.Handle, kv, sv, pv, out var r), r);
    }

    /// <summary>2-d max pooling (stride defaults to the kernel size).</summary>
    public static Tensor MaxPool2d(Tensor x, (long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null) => Pool(0, x, kernel, stride, padding);

    /// <summary>2-d average pooling (stride defaults to the kernel size).</summary>
    public static Tensor AvgPool2d(Tensor x, (long H, long W) kernel, (long H, long W)? stride = null, (long H, long W)? padding = null) => Pool(1, x, kernel, stride, padding);

    /// <summary>Average pooling to a fixed output size.</summary>
    public static unsafe Tensor AdaptiveAvgPool2d(Tensor x, (long H, long W) outputSize)
    {
        long* o = stackalloc long[] { outputSize.H, outputSize.W };
        return Tensor.From(NativeMethods.ct_adaptive_avg_pool2d(x.Handle, o, out var r), r);
    }

    /// <summary>Batch normalisation; when training, batch statistics are used and the running stats updated in place.</summary>
    public static Tensor BatchNorm(Tensor x, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, double momentum = 0.1, double eps = 1e-5)
    {
        var status = NativeMethods.ct_batch_norm(x.Handle, Opt(weight), Opt(bias), Opt(runningMean), Opt(runningVar), training ? 1 : 0, momentum, eps, out var r);
        GC.KeepAlive(weight); GC.KeepAlive(bias); GC.KeepAlive(runningMean); GC.KeepAlive(runningVar);
        return Tensor.From(status, r);
    }

    /// <summary>Layer normalisation over the trailing <paramref name="normalizedShape"/> dimensions.</summary>
    public static unsafe Tensor LayerNorm(Tensor x, ReadOnlySpan<long> normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        fixed (long* s = normalizedShape)
        {
            var status = NativeMethods.ct_layer_norm(x.Handle, s, normalizedShape.Length, Opt(weight), Opt(bias), eps, out var r);
            GC.KeepAlive(weight); GC.KeepAlive(bias);
            return Tensor.From(status, r);
        }
    }

    /// <summary>Rows of <paramref name="weight"/> picked by int64 indices; the padding row gets no gradient.</summary>
    public static Tensor Embedding(Tensor weight, Tensor indices, long paddingIdx = -1) =>
        Tensor.From(NativeMethods.ct_embedding(weight.Handle, indices.Handle, paddingIdx, out var r), r);

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1-p) when training; identity otherwise.</summary>
    public static Tensor Dropout(Tensor x, double p, bool training)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
        return Tensor.From(NativeMethods.ct_dropout(x.Handle, p, training ? 1 : 0, out var r), r);
    }

    /// <summary>Cross-entropy of logits [N, C] (or [N, C, ...]) against int64 class targets, with optional label smoothing.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor target, double labelSmoothing = 0, Reduction reduction = Reduction.Mean,
        long ignoreIndex = -100, Tensor? weight = null)
    {
        var status = NativeMethods.ct_cross_entropy(logits.Handle, target.Handle, Opt(weight), (int)reduction, ignoreIndex, labelSmoothing, out var r);
        GC.KeepAlive(weight);
        return Tensor.From(status, r);
    }

    /// <summary>Negative log-likelihood of log-probabilities against int64 class targets.</summary>
    public static Tensor NllLoss(Tensor logProbs, Tensor target, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) =>
        Tensor.From(NativeMethods.ct_nll_loss(logProbs.Handle, target.Handle, (int)reduction, ignoreIndex, out var r), r);

    /// <summary>Mean squared error.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Tensor.From(NativeMethods.ct_mse_loss(input.Handle, target.Handle, (int)reduction, out var r), r);

    /// <summary>
    /// softmax(q·kᵀ/√d + mask)·v for q [.., Lq, d], k [.., Lk, d], v [.., Lk, dv]. <paramref name="mask"/> is bool,
    /// broadcastable to [.., Lq, Lk], true where attention is NOT allowed (like a key-padding mask). Intermediates
    /// are disposed here, so this composes with or without a <see cref="DisposeScope"/>.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask = null, double dropoutP = 0, bool training = false)
    {
        var d = q.Size(-1);
        using var kt = k.Transpose(-2, -1);
        using var scores = q.MatMul(kt);
        using var scaled = scores.Mul(1.0 / Math.Sqrt(d));
        using var masked = mask is null ? null : scaled.MaskedFill(mask, double.NegativeInfinity);
        using var attn = (masked ?? scaled).Softmax(-1);
        using var dropped = dropoutP > 0 && training ? Dropout(attn, dropoutP, true) : null;
        var result = (dropped ?? attn).MatMul(v);
        return result;
    }
}
