#include "mcr/model/Runtime.h"

#include <fstream>
#include <set>
#include <sstream>

#include "mcr/model/torch/Runtime.h"

namespace mcr::model {

std::string CpuBf16Support::describe() const {
  if (amx && avx512bf16) return "amx_bf16+avx512_bf16";
  if (amx) return "amx_bf16";
  if (avx512bf16) return "avx512_bf16";
  return "none";
}

CpuBf16Support detectCpuBf16() {
  CpuBf16Support s;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("flags", 0) != 0) continue;
    std::istringstream words(line);
    std::string w;
    while (words >> w) {
      if (w == "amx_bf16") s.amx = true;
      if (w == "avx512_bf16") s.avx512bf16 = true;
    }
    break;  // the first CPU's flags stand for all
  }
  return s;
}

std::string loadedBlasLibraries() {
  std::ifstream maps("/proc/self/maps");
  std::set<std::string> found;
  std::string line;
  while (std::getline(maps, line)) {
    auto slash = line.rfind('/');
    if (slash == std::string::npos) continue;
    std::string name = line.substr(slash + 1);
    if (name.find("blas") != std::string::npos || name.find("mkl") != std::string::npos ||
        name.find("dnnl") != std::string::npos || name.find("lapack") != std::string::npos)
      found.insert(name);
  }
  if (found.empty()) return "unknown";
  std::string out;
  for (const auto& n : found) out += (out.empty() ? "" : ", ") + n;
  return out;
}

torch::Device parseDevice(const std::string& text) {
  if (text == "cpu") return torch::Device(torch::kCPU);
  if (text == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (text == "cuda" || text.rfind("cuda:", 0) == 0) {
    if (!torch::cuda::is_available())
      throw std::invalid_argument("device '" + text + "' requested but CUDA is not available to this process");
    int index = 0;
    if (text.size() > 5) {
      const std::string digits = text.substr(5);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 4)
        throw std::invalid_argument("bad CUDA device '" + text + "' (expected cuda:N)");
      index = std::stoi(digits);
    }
    if (index >= static_cast<int>(torch::cuda::device_count()))
      throw std::invalid_argument("device '" + text + "' does not exist (" + std::to_string(torch::cuda::device_count()) +
                                  " CUDA devices)");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
  }
  throw std::invalid_argument("device must be 'auto', 'cpu', 'cuda' or 'cuda:N', not '" + text + "'");
}

torch::ScalarType choosePrecision(const torch::Device& device, const std::string& requested, std::string& reason) {
  if (requested == "fp32") {
    reason = "requested";
    return torch::kFloat;
  }
  if (requested == "bf16") {
    reason = "requested";
    return torch::kBFloat16;
  }
  if (requested != "auto") throw std::invalid_argument("precision must be 'auto', 'fp32' or 'bf16', not '" + requested + "'");
  if (device.is_cuda()) {
    reason = "CUDA device";
    return torch::kBFloat16;
  }
  auto cpu = detectCpuBf16();
  if (cpu.fast()) {
    reason = "CPU has " + cpu.describe();
    return torch::kBFloat16;
  }
  reason = "CPU lacks amx_bf16 and avx512_bf16";
  return torch::kFloat;
}

std::string deviceName(const torch::Device& device) {
  return device.is_cuda() ? "cuda:" + std::to_string(device.has_index() ? device.index() : 0) : "cpu";
}

}  // namespace mcr::model
