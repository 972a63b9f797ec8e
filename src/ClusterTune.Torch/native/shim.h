// Common declarations of the ClusterTune libtorch shim: a C ABI over libtorch with opaque tensor handles.
// Every export catches every exception (an exception escaping extern "C" aborts the .NET process) and returns
// a status code; the message is kept per OS thread and read with ct_last_error().
#pragma once
#include <torch/torch.h>
#include <cstdint>
#include <string>
#include <vector>

#define CT_EXPORT extern "C" __attribute__((visibility("default")))

typedef at::Tensor CtTensor;

namespace ct {
void set_error(const char* brief, const char* full);
inline CtTensor* wrap(at::Tensor&& t) { return new at::Tensor(std::move(t)); }
inline CtTensor* wrap(const at::Tensor& t) { return new at::Tensor(t); }
inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }
inline c10::optional<at::Tensor> opt(const CtTensor* t) {
  return t ? c10::optional<at::Tensor>(*t) : c10::nullopt;
}
inline at::Scalar scalar(double v, int integral) {
  return integral ? at::Scalar(static_cast<int64_t>(v)) : at::Scalar(v);
}
at::TensorOptions options(int dtype, const char* device);
}  // namespace ct

// Status: 0 = ok, -1 = error (message in ct_last_error()).
#define CT_TRY try {
#define CT_CATCH                                                      \
  }                                                                   \
  catch (const c10::Error& e) {                                       \
    ct::set_error(e.what_without_backtrace(), e.what());              \
    return -1;                                                        \
  }                                                                   \
  catch (const std::exception& e) {                                   \
    ct::set_error(e.what(), e.what());                                \
    return -1;                                                        \
  }                                                                   \
  catch (...) {                                                       \
    ct::set_error("unknown C++ exception", "unknown C++ exception");  \
    return -1;                                                        \
  }                                                                   \
  return 0;
