// Tensor creation, metadata, autograd and elementwise/shape/reduction ops of the ClusterTune shim.
#include "shim.h"
#include <cmath>
#include <cstring>

namespace {
thread_local std::string g_brief;
thread_local std::string g_full;
}  // namespace

void ct::set_error(const char* brief, const char* full) {
  g_brief = brief ? brief : "";
  g_full = full ? full : g_brief;
}

at::TensorOptions ct::options(int dtype, const char* device) {
  auto o = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
  if (device && *device) o = o.device(at::Device(std::string(device)));
  return o;
}

CT_EXPORT const char* ct_last_error() { return g_brief.c_str(); }
CT_EXPORT const char* ct_last_error_full() { return g_full.c_str(); }

CT_EXPORT void ct_tensor_free(CtTensor* t) { delete t; }

// ---- creation ----------------------------------------------------------------------------------------------
CT_EXPORT int ct_tensor_from_data(const void* data, int64_t nbytes, int dtype, const int64_t* shape, int ndim,
                                  CtTensor** out) {
  CT_TRY
  auto t = at::empty(ct::dims(shape, ndim), ct::options(dtype, nullptr));
  const int64_t need = t.numel() * static_cast<int64_t>(t.element_size());
  TORCH_CHECK(need == nbytes, "data has ", nbytes, " bytes but shape ", t.sizes(), " of ", t.scalar_type(),
              " needs ", need);
  if (need > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(need));
  *out = ct::wrap(std::move(t));
  CT_CATCH
}

// kind: 0 empty, 1 zeros, 2 ones, 3 full(value)
CT_EXPORT int ct_tensor_fill_new(int kind, const int64_t* shape, int ndim, int dtype, const char* device, double value,
                                 CtTensor** out) {
  CT_TRY
  auto o = ct::options(dtype, device);
  auto s = ct::dims(shape, ndim);
  at::Tensor t;
  switch (kind) {
    case 0: t = at::empty(s, o); break;
    case 1: t = at::zeros(s, o); break;
    case 2: t = at::ones(s, o); break;
    case 3: t = at::full(s, value, o); break;
    default: TORCH_CHECK(false, "unknown fill kind ", kind);
  }
  *out = ct::wrap(std::move(t));
  CT_CATCH
}

// kind: 0 randn, 1 rand, 2 randint[low, high); gen may be null (global generator).
CT_EXPORT int ct_tensor_random(int kind, const int64_t* shape, int ndim, int dtype, const char* device,
                               at::Generator* gen, int64_t low, int64_t high, CtTensor** out) {
  CT_TRY
  auto s = ct::dims(shape, ndim);
  auto g = gen ? c10::optional<at::Generator>(*gen) : c10::nullopt;
  // Draw on the CPU so a seeded CPU generator gives the same numbers whatever the target device is.
  auto o = ct::options(dtype, nullptr);
  at::Tensor t;
  switch (kind) {
    case 0: t = at::randn(s, g, o); break;
    case 1: t = at::rand(s, g, o); break;
    case 2: t = at::randint(low, high, s, g, o); break;
    default: TORCH_CHECK(false, "unknown random kind ", kind);
  }
  if (device && *device) t = t.to(at::Device(std::string(device)));
  *out = ct::wrap(std::move(t));
  CT_CATCH
}

CT_EXPORT int ct_tensor_randperm(int64_t n, at::Generator* gen, CtTensor** out) {
  CT_TRY
  *out = gen ? ct::wrap(at::randperm(n, *gen, at::kLong)) : ct::wrap(at::randperm(n, at::kLong));
  CT_CATCH
}

CT_EXPORT int ct_tensor_arange(double start, double end, double step, int dtype, const char* device, CtTensor** out) {
  CT_TRY
  *out = ct::wrap(at::arange(start, end, step, ct::options(dtype, device)));
  CT_CATCH
}

// In-place initialisation (under no-grad): kind 0 uniform_(a, b), 1 normal_(mean=a, std=b).
CT_EXPORT int ct_tensor_init_(CtTensor* t, int kind, double a, double b, at::Generator* gen) {
  CT_TRY
  at::NoGradGuard ng;
  auto g = gen ? c10::optional<at::Generator>(*gen) : c10::nullopt;
  if (kind == 0) t->uniform_(a, b, g);
  else if (kind == 1) t->normal_(a, b, g);
  else TORCH_CHECK(false, "unknown init kind ", kind);
  CT_CATCH
}

// ---- data out / metadata -----------------------------------------------------------------------------------
// Copies the tensor (converted to dtype, moved to CPU, made contiguous) into dst, which holds count elements.
CT_EXPORT int ct_tensor_copy_out(const CtTensor* t, int dtype, void* dst, int64_t count) {
  CT_TRY
  auto c = t->detach().to(at::kCPU, static_cast<at::ScalarType>(dtype)).contiguous();
  TORCH_CHECK(c.numel() == count, "destination holds ", count, " elements but the tensor has ", c.numel());
  if (count > 0) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(count) * c.element_size());
  CT_CATCH
}

CT_EXPORT int ct_tensor_ndim(const CtTensor* t) { return static_cast<int>(t->dim()); }
CT_EXPORT int64_t ct_tensor_numel(const CtTensor* t) { return t->numel(); }
CT_EXPORT int ct_tensor_dtype(const CtTensor* t) { return static_cast<int>(t->scalar_type()); }
CT_EXPORT int ct_tensor_defined(const CtTensor* t) { return t->defined() ? 1 : 0; }
CT_EXPORT void ct_tensor_shape(const CtTensor* t, int64_t* buf) {
  auto s = t->sizes();
  for (size_t i = 0; i < s.size(); ++i) buf[i] = s[i];
}
CT_EXPORT int ct_tensor_device(const CtTensor* t, char* buf, int cap) {
  CT_TRY
  auto s = t->device().str();
  std::snprintf(buf, static_cast<size_t>(cap), "%s", s.c_str());
  CT_CATCH
}
CT_EXPORT int ct_tensor_item(const CtTensor* t, double* out) {
  CT_TRY *out = t->item<double>(); CT_CATCH
}
CT_EXPORT int ct_tensor_item_long(const CtTensor* t, int64_t* out) {
  CT_TRY *out = t->item<int64_t>(); CT_CATCH
}
CT_EXPORT int ct_tensor_to(const CtTensor* t, int dtype, const char* device, int copy, CtTensor** out) {
  CT_TRY
  at::ScalarType st = dtype < 0 ? t->scalar_type() : static_cast<at::ScalarType>(dtype);
  if (device && *device) *out = ct::wrap(t->to(at::Device(std::string(device)), st, false, copy != 0));
  else *out = ct::wrap(t->to(st, false, copy != 0));
  CT_CATCH
}

// ---- autograd ----------------------------------------------------------------------------------------------
CT_EXPORT int ct_tensor_requires_grad(const CtTensor* t) { return t->requires_grad() ? 1 : 0; }
CT_EXPORT int ct_tensor_set_requires_grad(CtTensor* t, int on) {
  CT_TRY t->set_requires_grad(on != 0); CT_CATCH
}
CT_EXPORT int ct_tensor_is_leaf(const CtTensor* t) { return t->is_leaf() ? 1 : 0; }
CT_EXPORT int ct_tensor_backward(CtTensor* t, const CtTensor* grad, int retain_graph) {
  CT_TRY
  t->backward(grad ? *grad : at::Tensor(), retain_graph ? c10::optional<bool>(true) : c10::nullopt, false);
  CT_CATCH
}
// out is null when the tensor has no gradient.
CT_EXPORT int ct_tensor_grad(const CtTensor* t, CtTensor** out) {
  CT_TRY
  const auto& g = t->grad();
  *out = g.defined() ? ct::wrap(g) : nullptr;
  CT_CATCH
}
CT_EXPORT int ct_tensor_set_grad(CtTensor* t, const CtTensor* grad) {
  CT_TRY
  if (grad) t->mutable_grad() = *grad;
  else t->mutable_grad().reset();
  CT_CATCH
}
CT_EXPORT int ct_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
CT_EXPORT void ct_set_grad_enabled(int on) { at::GradMode::set_enabled(on != 0); }

// ---- elementwise ----------------------------------------------------------------------------------------------
CT_EXPORT int ct_unary(int op, const CtTensor* a, CtTensor** out) {
  CT_TRY
  const at::Tensor& x = *a;
  at::Tensor r;
  switch (op) {
    case 0: r = at::neg(x); break;
    case 1: r = at::relu(x); break;
    case 2: r = at::gelu(x); break;
    case 3: r = at::gelu(x, "tanh"); break;
    case 4: r = at::tanh(x); break;
    case 5: r = at::sigmoid(x); break;
    case 6: r = at::exp(x); break;
    case 7: r = at::log(x); break;
    case 8: r = at::sqrt(x); break;
    case 9: r = at::rsqrt(x); break;
    case 10: r = at::abs(x); break;
    case 11: r = at::square(x); break;
    case 12: r = x.t(); break;
    case 13: r = x.clone(); break;
    case 14: r = x.detach(); break;
    case 15: r = x.contiguous(); break;
    case 16: r = at::silu(x); break;
    case 17: r = at::sin(x); break;
    case 18: r = at::cos(x); break;
    case 19: r = at::logical_not(x); break;
    case 20: r = at::floor(x); break;
    case 21: r = at::zeros_like(x); break;
    case 22: r = at::ones_like(x); break;
    case 23: r = at::squeeze(x); break;
    case 24: r = at::sign(x); break;
    default: TORCH_CHECK(false, "unknown unary op ", op);
  }
  *out = ct::wrap(std::move(r));
  CT_CATCH
}

CT_EXPORT int ct_binary(int op, const CtTensor* a, const CtTensor* b, CtTensor** out) {
  CT_TRY
  const at::Tensor& x = *a;
  const at::Tensor& y = *b;
  at::Tensor r;
  switch (op) {
    case 0: r = at::add(x, y); break;
    case 1: r = at::sub(x, y); break;
    case 2: r = at::mul(x, y); break;
    case 3: r = at::div(x, y); break;
    case 4: r = at::matmul(x, y); break;
    case 5: r = at::eq(x, y); break;
    case 6: r = at::ne(x, y); break;
    case 7: r = at::lt(x, y); break;
    case 8: r = at::le(x, y); break;
    case 9: r = at::gt(x, y); break;
    case 10: r = at::ge(x, y); break;
    case 11: r = at::maximum(x, y); break;
    case 12: r = at::minimum(x, y); break;
    case 13: r = at::pow(x, y); break;
    case 14: r = at::logical_and(x, y); break;
    case 15: r = at::logical_or(x, y); break;
    case 16: r = at::mse_loss(x, y); break;
    default: TORCH_CHECK(false, "unknown binary op ", op);
  }
  *out = ct::wrap(std::move(r));
  CT_CATCH
}

CT_EXPORT int ct_scalar_op(int op, const CtTensor* a, double s, int integral, CtTensor** out) {
  CT_TRY
  const at::Tensor& x = *a;
  at::Scalar v = ct::scalar(s, integral);
  at::Tensor r;
  switch (op) {
    case 0: r = at::add(x, v); break;
    case 1: r = at::sub(x, v); break;
    case 2: r = at::mul(x, v); break;
    case 3: r = at::div(x, v); break;
    case 4: r = at::rsub(x, v); break;                       // s - x
    case 5: r = at::mul(at::reciprocal(x), v); break;        // s / x
    case 6: r = at::pow(x, v); break;
    case 7: r = at::eq(x, v); break;
    case 8: r = at::ne(x, v); break;
    case 9: r = at::lt(x, v); break;
    case 10: r = at::le(x, v); break;
    case 11: r = at::gt(x, v); break;
    case 12: r = at::ge(x, v); break;
    case 13: r = at::clamp_min(x, v); break;
    case 14: r = at::clamp_max(x, v); break;
    case 15: r = at::full_like(x, v); break;
    default: TORCH_CHECK(false, "unknown scalar op ", op);
  }
  *out = ct::wrap(std::move(r));
  CT_CATCH
}

// In-place ops. op: 0 add_(b*alpha), 1 sub_, 2 mul_, 3 div_, 4 copy_.
CT_EXPORT int ct_inplace(int op, CtTensor* a, const CtTensor* b, double alpha) {
  CT_TRY
  switch (op) {
    case 0: a->add_(*b, alpha); break;
    case 1: a->sub_(*b, alpha); break;
    case 2: a->mul_(*b); break;
    case 3: a->div_(*b); break;
    case 4: a->copy_(*b); break;
    default: TORCH_CHECK(false, "unknown in-place op ", op);
  }
  CT_CATCH
}

// In-place scalar ops. op: 0 add_, 1 sub_, 2 mul_, 3 div_, 4 fill_, 5 zero_, 6 clamp_min_, 7 clamp_max_.
CT_EXPORT int ct_inplace_scalar(int op, CtTensor* a, double s) {
  CT_TRY
  // Whole numbers act as integers so integer tensors (counters) can be updated in place.
  at::Scalar v = ct::scalar(s, !at::isFloatingType(a->scalar_type()) && std::floor(s) == s);
  switch (op) {
    case 0: a->add_(v); break;
    case 1: a->sub_(v); break;
    case 2: a->mul_(v); break;
    case 3: a->div_(v); break;
    case 4: a->fill_(v); break;
    case 5: a->zero_(); break;
    case 6: a->clamp_min_(v); break;
    case 7: a->clamp_max_(v); break;
    default: TORCH_CHECK(false, "unknown in-place scalar op ", op);
  }
  CT_CATCH
}

CT_EXPORT int ct_where(const CtTensor* cond, const CtTensor* a, const CtTensor* b, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::where(*cond, *a, *b)); CT_CATCH
}
CT_EXPORT int ct_masked_fill(const CtTensor* a, const CtTensor* mask, double value, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::masked_fill(*a, *mask, value)); CT_CATCH
}
CT_EXPORT int ct_clamp(const CtTensor* a, double lo, double hi, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::clamp(*a, lo, hi)); CT_CATCH
}

// ---- reductions ------------------------------------------------------------------------------------------------
// op: 0 sum, 1 mean, 2 amax, 3 amin, 4 argmax, 5 argmin, 6 logsumexp, 7 var(unbiased=false), 8 std(unbiased=false),
// 9 all, 10 any. ndims = 0 reduces over every dimension (argmax/argmin: of the flattened tensor).
CT_EXPORT int ct_reduce(int op, const CtTensor* a, const int64_t* dims, int ndims, int keepdim, CtTensor** out) {
  CT_TRY
  const at::Tensor& x = *a;
  const bool all = ndims == 0;
  const bool kd = keepdim != 0;
  auto d = ct::dims(dims, ndims);
  std::vector<int64_t> alldims;
  if (all) for (int64_t i = 0; i < x.dim(); ++i) alldims.push_back(i);
  at::IntArrayRef dd = all ? at::IntArrayRef(alldims) : d;
  at::Tensor r;
  switch (op) {
    case 0: r = all && !kd ? at::sum(x) : at::sum(x, dd, kd); break;
    case 1: r = all && !kd ? at::mean(x) : at::mean(x, dd, kd); break;
    case 2: r = at::amax(x, dd, kd); break;
    case 3: r = at::amin(x, dd, kd); break;
    case 4:
      TORCH_CHECK(ndims <= 1, "argmax takes at most one dimension");
      r = all ? at::argmax(x) : at::argmax(x, d[0], kd);
      break;
    case 5:
      TORCH_CHECK(ndims <= 1, "argmin takes at most one dimension");
      r = all ? at::argmin(x) : at::argmin(x, d[0], kd);
      break;
    case 6: r = at::logsumexp(x, dd, kd); break;
    case 7: r = at::var(x, dd, false, kd); break;
    case 8: r = at::std(x, dd, false, kd); break;
    case 9: r = all && !kd ? at::all(x) : at::all(x, dd[0], kd); break;
    case 10: r = all && !kd ? at::any(x) : at::any(x, dd[0], kd); break;
    default: TORCH_CHECK(false, "unknown reduction ", op);
  }
  *out = ct::wrap(std::move(r));
  CT_CATCH
}

// ---- shape ----------------------------------------------------------------------------------------------------
// op: 0 reshape, 1 view, 2 permute, 3 expand, 4 repeat.
CT_EXPORT int ct_shape_op(int op, const CtTensor* a, const int64_t* shape, int n, CtTensor** out) {
  CT_TRY
  auto s = ct::dims(shape, n);
  at::Tensor r;
  switch (op) {
    case 0: r = a->reshape(s); break;
    case 1: r = a->view(s); break;
    case 2: r = a->permute(s); break;
    case 3: r = a->expand(s); break;
    case 4: r = a->repeat(s); break;
    default: TORCH_CHECK(false, "unknown shape op ", op);
  }
  *out = ct::wrap(std::move(r));
  CT_CATCH
}

// op: 0 transpose(i, j), 1 flatten(i, j), 2 unsqueeze(i), 3 squeeze(i), 4 select(dim i, index j),
// 5 tril(i), 6 triu(i), 7 softmax(i), 8 log_softmax(i), 9 one_hot(classes i), 10 narrow(dim i, start j, len k),
// 11 slice(dim i, start j, end k).
CT_EXPORT int ct_index_op(int op, const CtTensor* a, int64_t i, int64_t j, int64_t k, CtTensor** out) {
  CT_TRY
  const at::Tensor& x = *a;
  at::Tensor r;
  switch (op) {
    case 0: r = x.transpose(i, j); break;
    case 1: r = x.flatten(i, j); break;
    case 2: r = x.unsqueeze(i); break;
    case 3: r = x.squeeze(i); break;
    case 4: r = x.select(i, j); break;
    case 5: r = at::tril(x, i); break;
    case 6: r = at::triu(x, i); break;
    case 7: r = at::softmax(x, i); break;
    case 8: r = at::log_softmax(x, i); break;
    case 9: r = at::one_hot(x, i); break;
    case 10: r = x.narrow(i, j, k); break;
    case 11: r = x.slice(i, j, k); break;
    default: TORCH_CHECK(false, "unknown index op ", op);
  }
  *out = ct::wrap(std::move(r));
  CT_CATCH
}

CT_EXPORT int ct_index_select(const CtTensor* a, int64_t dim, const CtTensor* index, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::index_select(*a, dim, *index)); CT_CATCH
}
CT_EXPORT int ct_gather(const CtTensor* a, int64_t dim, const CtTensor* index, CtTensor** out) {
  CT_TRY *out = ct::wrap(at::gather(*a, dim, *index)); CT_CATCH
}

// op: 0 cat, 1 stack.
CT_EXPORT int ct_join(int op, CtTensor* const* ts, int n, int64_t dim, CtTensor** out) {
  CT_TRY
  std::vector<at::Tensor> v;
  v.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v.push_back(*ts[i]);
  *out = ct::wrap(op == 0 ? at::cat(v, dim) : at::stack(v, dim));
  CT_CATCH
}
