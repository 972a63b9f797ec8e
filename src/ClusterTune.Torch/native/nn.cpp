// Neural-network functional ops and losses of the ClusterTune shim. Optional tensors are passed as null.
#include "shim.h"

CT_EXPORT int ct_linear(const CtTensor* x, const CtTensor* w, const CtTensor* b, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::linear(*x, *w, ct::opt(b))); CT_CATCH
}

CT_EXPORT int ct_conv2d(const CtTensor* x, const CtTensor* w, const CtTensor* b, const int64_t* stride,
                        const int64_t* padding, const int64_t* dilation, int64_t groups, CtTensor** out) {
  CT_TRY
  *out = ct::wrap(at::conv2d(*x, *w, ct::opt(b), ct::dims(stride, 2), ct::dims(padding, 2), ct::dims(dilation, 2),
                             groups));
  CT_CATCH
}

// op: 0 max_pool2d, 1 avg_pool2d (count_include_pad as PyTorch's default).
CT_EXPORT int ct_pool2d(int op, const CtTensor* x, const int64_t* kernel, const int64_t* stride,
                        const int64_t* padding, CtTensor** out) {
  CT_TRY
  auto k = ct::dims(kernel, 2), s = ct::dims(stride, 2), p = ct::dims(padding, 2);
  *out = ct::wrap(op == 0 ? at::max_pool2d(*x, k, s, p) : at::avg_pool2d(*x, k, s, p));
  CT_CATCH
}

CT_EXPORT int ct_adaptive_avg_pool2d(const CtTensor* x, const int64_t* size, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::adaptive_avg_pool2d(*x, ct::dims(size, 2))); CT_CATCH
}

// Running stats are updated in place when training.
CT_EXPORT int ct_batch_norm(const CtTensor* x, const CtTensor* w, const CtTensor* b, const CtTensor* running_mean,
                            const CtTensor* running_var, int training, double momentum, double eps,
                            CtTensor** out) {
  CT_TRY
  *out = ct::wrap(at::batch_norm(*x, ct::opt(w), ct::opt(b), ct::opt(running_mean), ct::opt(running_var),
                                 training != 0, momentum, eps, true));
  CT_CATCH
}

CT_EXPORT int ct_layer_norm(const CtTensor* x, const int64_t* shape, int n, const CtTensor* w, const CtTensor* b,
                            double eps, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::layer_norm(*x, ct::dims(shape, n), ct::opt(w), ct::opt(b), eps, true)); CT_CATCH
}

CT_EXPORT int ct_embedding(const CtTensor* weight, const CtTensor* indices, int64_t padding_idx, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::embedding(*weight, *indices, padding_idx, false, false)); CT_CATCH
}

CT_EXPORT int ct_dropout(const CtTensor* x, double p, int train, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::dropout(*x, p, train != 0)); CT_CATCH
}

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
CT_EXPORT int ct_cross_entropy(const CtTensor* logits, const CtTensor* target, const CtTensor* weight,
                               int reduction, int64_t ignore_index, double label_smoothing, CtTensor** out) {
  CT_TRY
  *out = ct::wrap(at::cross_entropy_loss(*logits, *target, ct::opt(weight), reduction, ignore_index,
                                         label_smoothing));
  CT_CATCH
}

CT_EXPORT int ct_nll_loss(const CtTensor* logp, const CtTensor* target, int reduction, int64_t ignore_index,
                          CtTensor** out) {
  CT_TRY *out = ct::wrap(at::nll_loss(*logp, *target, {}, reduction, ignore_index)); CT_CATCH
}

CT_EXPORT int ct_mse_loss(const CtTensor* a, const CtTensor* b, int reduction, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::mse_loss(*a, *b, reduction)); CT_CATCH
}
