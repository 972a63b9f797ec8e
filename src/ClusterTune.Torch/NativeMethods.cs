using System.Runtime.InteropServices;

namespace ClusterTune.Torch;

/// <summary>P/Invoke declarations of the C-ABI shim (native/*.cpp). Status-returning calls give 0 or -1.</summary>
internal static partial class NativeMethods
{
    internal const string Lib = "cttorch";

    [LibraryImport(Lib)] internal static partial IntPtr ct_last_error();
    [LibraryImport(Lib)] internal static partial IntPtr ct_last_error_full();
    [LibraryImport(Lib)] internal static partial void ct_tensor_free(IntPtr t);

    [LibraryImport(Lib)] internal static unsafe partial int ct_tensor_from_data(void* data, long nbytes, int dtype, long* shape, int ndim, out IntPtr result);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial int ct_tensor_fill_new(int kind, long* shape, int ndim, int dtype, string? device, double value, out IntPtr result);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial int ct_tensor_random(int kind, long* shape, int ndim, int dtype, string? device, IntPtr gen, long low, long high, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_tensor_randperm(long n, IntPtr gen, out IntPtr result);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int ct_tensor_arange(double start, double end, double step, int dtype, string? device, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_tensor_init_(TensorHandle t, int kind, double a, double b, IntPtr gen);

    [LibraryImport(Lib)] internal static unsafe partial int ct_tensor_copy_out(TensorHandle t, int dtype, void* dst, long count);
    [LibraryImport(Lib)] internal static partial int ct_tensor_ndim(TensorHandle t);
    [LibraryImport(Lib)] internal static partial long ct_tensor_numel(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ct_tensor_dtype(TensorHandle t);
    [LibraryImport(Lib)] internal static unsafe partial void ct_tensor_shape(TensorHandle t, long* buf);
    [LibraryImport(Lib)] internal static unsafe partial int ct_tensor_device(TensorHandle t, byte* buf, int cap);
    [LibraryImport(Lib)] internal static partial int ct_tensor_item(TensorHandle t, out double value);
    [LibraryImport(Lib)] internal static partial int ct_tensor_item_long(TensorHandle t, out long value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int ct_tensor_to(TensorHandle t, int dtype, string? device, int copy, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ct_tensor_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ct_tensor_set_requires_grad(TensorHandle t, int on);
    [LibraryImport(Lib)] internal static partial int ct_tensor_is_leaf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int ct_tensor_backward(TensorHandle t, IntPtr grad, int retainGraph);
    [LibraryImport(Lib)] internal static partial int ct_tensor_grad(TensorHandle t, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_tensor_set_grad(TensorHandle t, IntPtr grad);
    [LibraryImport(Lib)] internal static partial int ct_grad_enabled();
    [LibraryImport(Lib)] internal static partial void ct_set_grad_enabled(int on);

    [LibraryImport(Lib)] internal static partial int ct_unary(int op, TensorHandle a, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_binary(int op, TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_scalar_op(int op, TensorHandle a, double s, int integral, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_inplace(int op, TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)] internal static partial int ct_inplace_scalar(int op, TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial int ct_where(TensorHandle cond, TensorHandle a, TensorHandle b, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_masked_fill(TensorHandle a, TensorHandle mask, double value, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_clamp(TensorHandle a, double lo, double hi, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_reduce(int op, TensorHandle a, long* dims, int ndims, int keepdim, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_shape_op(int op, TensorHandle a, long* shape, int n, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_index_op(int op, TensorHandle a, long i, long j, long k, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_index_select(TensorHandle a, long dim, TensorHandle index, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_gather(TensorHandle a, long dim, TensorHandle index, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_join(int op, IntPtr* tensors, int n, long dim, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ct_linear(TensorHandle x, TensorHandle w, IntPtr b, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_conv2d(TensorHandle x, TensorHandle w, IntPtr b, long* stride, long* padding, long* dilation, long groups, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_pool2d(int op, TensorHandle x, long* kernel, long* stride, long* padding, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_adaptive_avg_pool2d(TensorHandle x, long* size, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_batch_norm(TensorHandle x, IntPtr w, IntPtr b, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps, out IntPtr result);
    [LibraryImport(Lib)] internal static unsafe partial int ct_layer_norm(TensorHandle x, long* shape, int n, IntPtr w, IntPtr b, double eps, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_embedding(TensorHandle weight, TensorHandle indices, long paddingIdx, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_dropout(TensorHandle x, double p, int train, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_cross_entropy(TensorHandle logits, TensorHandle target, IntPtr weight, int reduction, long ignoreIndex, double labelSmoothing, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_nll_loss(TensorHandle logp, TensorHandle target, int reduction, long ignoreIndex, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_mse_loss(TensorHandle a, TensorHandle b, int reduction, out IntPtr result);

    [LibraryImport(Lib)] internal static partial int ct_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int ct_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int ct_get_num_threads();
    [LibraryImport(Lib)] internal static partial int ct_set_malloc_thresholds(int mmapThreshold, int trimThreshold);
    [LibraryImport(Lib)] internal static partial int ct_set_num_interop_threads(int n);
    [LibraryImport(Lib)] internal static partial int ct_generator_new(ulong seed, out IntPtr result);
    [LibraryImport(Lib)] internal static partial void ct_generator_free(IntPtr g);
    [LibraryImport(Lib)] internal static partial int ct_generator_get_state(IntPtr g, out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_generator_set_state(IntPtr g, TensorHandle state);
    [LibraryImport(Lib)] internal static partial int ct_default_generator_get_state(out IntPtr result);
    [LibraryImport(Lib)] internal static partial int ct_default_generator_set_state(TensorHandle state);

    [LibraryImport(Lib)] internal static partial int ct_adamw_new(double lr, double beta1, double beta2, double eps, double weightDecay, int amsgrad, out IntPtr result);
    [LibraryImport(Lib)] internal static partial void ct_adamw_free(IntPtr o);
    [LibraryImport(Lib)] internal static unsafe partial int ct_adamw_add_group(IntPtr o, IntPtr* parameters, int n, double lr, double weightDecay);
    [LibraryImport(Lib)] internal static partial int ct_adamw_set_lr(IntPtr o, int group, double lr);
    [LibraryImport(Lib)] internal static partial int ct_adamw_get_lr(IntPtr o, int group, out double lr);
    [LibraryImport(Lib)] internal static partial int ct_adamw_set_weight_decay(IntPtr o, int group, double wd);
    [LibraryImport(Lib)] internal static partial int ct_adamw_step(IntPtr o);
    [LibraryImport(Lib)] internal static partial int ct_adamw_zero_grad(IntPtr o);
    [LibraryImport(Lib)] internal static partial int ct_adamw_get_state(IntPtr o, TensorHandle param, out long step, out IntPtr expAvg, out IntPtr expAvgSq, out IntPtr maxExpAvgSq);
    [LibraryImport(Lib)] internal static partial int ct_adamw_set_state(IntPtr o, TensorHandle param, long step, TensorHandle expAvg, TensorHandle expAvgSq, IntPtr maxExpAvgSq);
}
