#pragma once
// Facts about the machine the model runs on, for the precision choice and for logs.
// Torch-free.
#include <string>

namespace mcr::model {

struct CpuBf16Support {
  bool amx = false;         // amx_bf16: tile matrix units (Intel Sapphire Rapids and later)
  bool avx512bf16 = false;  // avx512_bf16: bf16 dot products in AVX-512 (AMD Zen 4, Intel Cooper Lake+)
  bool fast() const { return amx || avx512bf16; }
  std::string describe() const;  // e.g. "avx512_bf16" or "none"
};
// Reads /proc/cpuinfo flags (Linux); all false elsewhere.
CpuBf16Support detectCpuBf16();

// The BLAS/oneDNN libraries mapped into this process (from /proc/self/maps), e.g.
// "libopenblasp-r0.3.21.so"; "unknown" when none is found.
std::string loadedBlasLibraries();

}  // namespace mcr::model
