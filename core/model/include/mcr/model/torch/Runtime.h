#pragma once
// Device and precision selection (LibTorch). Works unchanged with a CPU or a CUDA LibTorch.
#include <torch/torch.h>

#include <string>

namespace mcr::model {

// "cpu", "cuda", "cuda:N" or "auto" (the first GPU when CUDA is usable, else the CPU).
// Throws std::invalid_argument for anything else or for a GPU this process cannot use.
torch::Device parseDevice(const std::string& text);

// "fp32", "bf16" or "auto": bf16 on CUDA and on CPUs with AMX or AVX512-BF16, else fp32.
// `reason` receives why, for the log. Throws std::invalid_argument for other values.
torch::ScalarType choosePrecision(const torch::Device& device, const std::string& requested, std::string& reason);

std::string deviceName(const torch::Device& device);  // "cpu", "cuda:0"

}  // namespace mcr::model
