// Global settings (seed, threads), random generators and the AdamW optimizer of the ClusterTune shim.
#include "shim.h"
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <malloc.h>
#include <stdexcept>

CT_EXPORT int ct_manual_seed(uint64_t seed) {
  CT_TRY torch::manual_seed(seed); CT_CATCH
}
CT_EXPORT int ct_set_num_threads(int n) {
  CT_TRY at::set_num_threads(n); CT_CATCH
}
// glibc malloc with fixed thresholds: blocks below mmap_threshold come from the heap and up to trim_threshold of free
// heap top stays mapped. Used by training loops, whose activations are freed and reallocated every step.
CT_EXPORT int ct_set_malloc_thresholds(int mmap_threshold, int trim_threshold) {
  CT_TRY
  if (mallopt(M_MMAP_THRESHOLD, mmap_threshold) != 1) throw std::runtime_error("mallopt(M_MMAP_THRESHOLD) refused the value");
  if (mallopt(M_TRIM_THRESHOLD, trim_threshold) != 1) throw std::runtime_error("mallopt(M_TRIM_THRESHOLD) refused the value");
  CT_CATCH
}
CT_EXPORT int ct_get_num_threads() { return at::get_num_threads(); }
CT_EXPORT int ct_set_num_interop_threads(int n) {
  CT_TRY at::set_num_interop_threads(n); CT_CATCH
}

// ---- generators ----------------------------------------------------------------------------------------------------
CT_EXPORT int ct_generator_new(uint64_t seed, at::Generator** out) {
  CT_TRY *out = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed)); CT_CATCH
}
CT_EXPORT void ct_generator_free(at::Generator* g) { delete g; }
// State as a byte tensor (for exact resume of dropout and shuffling streams).
CT_EXPORT int ct_generator_get_state(at::Generator* g, CtTensor** out) {
  CT_TRY
  std::lock_guard<std::mutex> lock(g->mutex());
  *out = ct::wrap(g->get_state());
  CT_CATCH
}
CT_EXPORT int ct_generator_set_state(at::Generator* g, const CtTensor* state) {
  CT_TRY
  std::lock_guard<std::mutex> lock(g->mutex());
  g->set_state(*state);
  CT_CATCH
}

// ---- AdamW ------------------------------------------------------------------------------------------------------------
// torch::optim::AdamW is the C++ twin of Python 1.13's torch.optim.AdamW (same update, same state).
CT_EXPORT int ct_adamw_new(double lr, double beta1, double beta2, double eps, double weight_decay, int amsgrad,
                           torch::optim::AdamW** out) {
  CT_TRY
  auto o = torch::optim::AdamWOptions(lr).betas({beta1, beta2}).eps(eps).weight_decay(weight_decay).amsgrad(amsgrad != 0);
  *out = new torch::optim::AdamW(std::vector<torch::optim::OptimizerParamGroup>{}, o);
  CT_CATCH
}
CT_EXPORT void ct_adamw_free(torch::optim::AdamW* o) { delete o; }

CT_EXPORT int ct_adamw_add_group(torch::optim::AdamW* o, CtTensor* const* params, int n, double lr,
                                 double weight_decay) {
  CT_TRY
  std::vector<at::Tensor> ps;
  ps.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) ps.push_back(*params[i]);
  auto opts = std::make_unique<torch::optim::AdamWOptions>(static_cast<const torch::optim::AdamWOptions&>(o->defaults()));
  opts->lr(lr).weight_decay(weight_decay);
  o->add_param_group(torch::optim::OptimizerParamGroup(ps, std::move(opts)));
  CT_CATCH
}

static torch::optim::AdamWOptions& group_options(torch::optim::AdamW* o, int group) {
  TORCH_CHECK(group >= 0 && group < static_cast<int>(o->param_groups().size()), "parameter group ", group,
              " does not exist (", o->param_groups().size(), " groups)");
  return static_cast<torch::optim::AdamWOptions&>(o->param_groups()[static_cast<size_t>(group)].options());
}

CT_EXPORT int ct_adamw_set_lr(torch::optim::AdamW* o, int group, double lr) {
  CT_TRY group_options(o, group).lr(lr); CT_CATCH
}
CT_EXPORT int ct_adamw_get_lr(torch::optim::AdamW* o, int group, double* lr) {
  CT_TRY *lr = group_options(o, group).lr(); CT_CATCH
}
CT_EXPORT int ct_adamw_set_weight_decay(torch::optim::AdamW* o, int group, double wd) {
  CT_TRY group_options(o, group).weight_decay(wd); CT_CATCH
}
CT_EXPORT int ct_adamw_step(torch::optim::AdamW* o) {
  CT_TRY o->step(); CT_CATCH
}
CT_EXPORT int ct_adamw_zero_grad(torch::optim::AdamW* o) {
  CT_TRY
  // set_to_none, like Python's default since 2.0: no memset of the gradient buffers
  for (auto& g : o->param_groups())
    for (auto& p : g.params()) p.mutable_grad().reset();
  CT_CATCH
}

static std::string state_key(const at::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

// step = -1 (and null tensors) when the parameter has no state yet.
CT_EXPORT int ct_adamw_get_state(torch::optim::AdamW* o, const CtTensor* param, int64_t* step, CtTensor** exp_avg,
                                 CtTensor** exp_avg_sq, CtTensor** max_exp_avg_sq) {
  CT_TRY
  auto it = o->state().find(state_key(*param));
  if (it == o->state().end()) {
    *step = -1;
    *exp_avg = *exp_avg_sq = *max_exp_avg_sq = nullptr;
  } else {
    auto& s = static_cast<torch::optim::AdamWParamState&>(*it->second);
    *step = s.step();
    *exp_avg = ct::wrap(s.exp_avg());
    *exp_avg_sq = ct::wrap(s.exp_avg_sq());
    *max_exp_avg_sq = s.max_exp_avg_sq().defined() ? ct::wrap(s.max_exp_avg_sq()) : nullptr;
  }
  CT_CATCH
}

CT_EXPORT int ct_adamw_set_state(torch::optim::AdamW* o, const CtTensor* param, int64_t step, const CtTensor* exp_avg,
                                 const CtTensor* exp_avg_sq, const CtTensor* max_exp_avg_sq) {
  CT_TRY
  TORCH_CHECK(exp_avg->sizes() == param->sizes() && exp_avg_sq->sizes() == param->sizes(),
              "optimizer state shape ", exp_avg->sizes(), " does not match the parameter's ", param->sizes());
  auto s = std::make_unique<torch::optim::AdamWParamState>();
  s->step(step);
  s->exp_avg(exp_avg->detach().clone().to(param->options()));
  s->exp_avg_sq(exp_avg_sq->detach().clone().to(param->options()));
  if (max_exp_avg_sq) s->max_exp_avg_sq(max_exp_avg_sq->detach().clone().to(param->options()));
  o->state()[state_key(*param)] = std::move(s);
  CT_CATCH
}

// State of the global CPU generator (dropout, and creation without an explicit generator).
CT_EXPORT int ct_default_generator_get_state(CtTensor** out) {
  CT_TRY
  auto g = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  *out = ct::wrap(g.get_state());
  CT_CATCH
}
CT_EXPORT int ct_default_generator_set_state(const CtTensor* state) {
  CT_TRY
  auto g = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(*state);
  CT_CATCH
}
