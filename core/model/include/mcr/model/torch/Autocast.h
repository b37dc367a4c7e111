#pragma once
// bf16 autocast for a scope, on the CPU or a CUDA device; a no-op when disabled.
// Master weights stay fp32; only the matrix products run in bf16.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

// LibTorch 2.4 replaced the per-device autocast functions (set_enabled, set_cpu_enabled,
// set_autocast_gpu_dtype, ...) by ones that take the device type, and deprecated the old
// ones. Debian's LibTorch is 1.13; a CUDA build uses PyTorch 2.x's bundled one.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define MCR_AUTOCAST_BY_DEVICE_TYPE 1
#endif

namespace mcr::model {

class AutocastScope {
 public:
  AutocastScope(const torch::Device& device, bool enabled) : cuda_(device.is_cuda()), enabled_(enabled) {
    if (!enabled_) return;
    previous_ = isEnabled();
    setEnabled(true);
#ifdef MCR_AUTOCAST_BY_DEVICE_TYPE
    at::autocast::set_autocast_dtype(deviceType(), at::kBFloat16);
#else
    if (cuda_)
      at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    else
      at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
#endif
  }
  ~AutocastScope() {
    if (!enabled_) return;
    setEnabled(previous_);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  at::DeviceType deviceType() const { return cuda_ ? at::kCUDA : at::kCPU; }
  bool isEnabled() const {
#ifdef MCR_AUTOCAST_BY_DEVICE_TYPE
    return at::autocast::is_autocast_enabled(deviceType());
#else
    return cuda_ ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
  }
  void setEnabled(bool on) const {
#ifdef MCR_AUTOCAST_BY_DEVICE_TYPE
    at::autocast::set_autocast_enabled(deviceType(), on);
#else
    if (cuda_)
      at::autocast::set_enabled(on);
    else
      at::autocast::set_cpu_enabled(on);
#endif
  }

  bool cuda_, enabled_, previous_ = false;
};

}  // namespace mcr::model

#undef MCR_AUTOCAST_BY_DEVICE_TYPE
