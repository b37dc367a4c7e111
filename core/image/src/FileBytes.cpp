#include "FileBytes.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace mcr::image::detail {

std::vector<std::uint8_t> readFileBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) throw DecodeError(DecodeErrorCode::FileNotReadable, "cannot open '" + path + "': " + std::strerror(errno));
  const std::streamoff size = file.tellg();
  if (size < 0) throw DecodeError(DecodeErrorCode::FileNotReadable, "cannot size '" + path + "'");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  file.seekg(0);
  if (size > 0 && !file.read(reinterpret_cast<char*>(bytes.data()), size)) {
    throw DecodeError(DecodeErrorCode::FileNotReadable, "cannot read '" + path + "'");
  }
  return bytes;
}

std::string withoutCodePrefix(const DecodeError& e) {
  const std::string message = e.what();
  const std::string prefix = std::string(toString(e.code())) + ": ";
  return message.compare(0, prefix.size(), prefix) == 0 ? message.substr(prefix.size()) : message;
}

}  // namespace mcr::image::detail
