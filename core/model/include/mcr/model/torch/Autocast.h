#pragma once
// bf16 autocast for a scope, on the CPU or a CUDA device; a no-op when disabled.
// Master weights stay fp32; only the matrix products run in bf16.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

namespace mcr::model {

class AutocastScope {
 public:
  AutocastScope(const torch::Device& device, bool enabled) : cuda_(device.is_cuda()), enabled_(enabled) {
    if (!enabled_) return;
    if (cuda_) {
      previous_ = at::autocast::is_enabled();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
      previous_ = at::autocast::is_cpu_enabled();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
  }
  ~AutocastScope() {
    if (!enabled_) return;
    if (cuda_)
      at::autocast::set_enabled(previous_);
    else
      at::autocast::set_cpu_enabled(previous_);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool cuda_, enabled_, previous_ = false;
};

}  // namespace mcr::model
