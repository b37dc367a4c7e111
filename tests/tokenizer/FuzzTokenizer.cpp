// libFuzzer: tokenizer files from untrusted bytes (deserialize), and the bytes as report
// text through train + encode + decode. Anything but a clean std::runtime_error or a
// result is a bug.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "mcr/tokenizer/Tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    const auto tokenizer = mcr::tokenizer::deserializeTokenizer(input);
    tokenizer->decode(tokenizer->encode(input, 64));
  } catch (const std::runtime_error&) {
  }
  try {
    // Training on the first 4 KiB covers the trainer; longer inputs only cost time.
    const auto trained = mcr::tokenizer::trainWordPiece({input.substr(0, 4096)}, 64);
    const auto ids = trained->encode(input, 4096);
    trained->decode(ids);
    if (ids.front() != mcr::tokenizer::kClsId || ids.back() != mcr::tokenizer::kSepId) __builtin_trap();
  } catch (const std::invalid_argument&) {  // input without words
  }
  return 0;
}
