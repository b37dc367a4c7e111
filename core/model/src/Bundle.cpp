#include "mcr/model/Bundle.h"

#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace mcr::model {
namespace {

constexpr char kMagic[8] = {'M', 'C', 'R', 'B', 'N', 'D', 'L', '\0'};
constexpr char kEndMagic[8] = {'M', 'C', 'R', 'E', 'N', 'D', '\0', '\0'};
constexpr std::size_t kDigestLen = 64;

void putU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void putU64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void putBlob(std::string& out, const std::string& blob) {
  putU64(out, blob.size());
  out += blob;
}

// Reads sections with bounds checks; every failure is a BundleError naming the section.
class Reader {
 public:
  Reader(const std::string& bytes, std::size_t end) : bytes_(bytes), end_(end) {}
  std::uint64_t u(int width, const char* what) {
    if (end_ - pos_ < static_cast<std::size_t>(width))
      throw BundleError(std::string("model bundle is truncated (in ") + what + ")");
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= std::uint64_t(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += width;
    return v;
  }
  std::string blob(const char* what) {
    std::uint64_t n = u(8, what);
    if (n > end_ - pos_) throw BundleError(std::string("model bundle is truncated (in ") + what + ")");
    std::string s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::size_t pos() const { return pos_; }
  void skip(std::size_t n) { pos_ += n; }

 private:
  const std::string& bytes_;
  std::size_t end_;
  std::size_t pos_ = 0;
};

std::string headerJson(const BundleFile& b) {
  boost::json::object o;
  o["name"] = b.name;
  o["fingerprint"] = b.fingerprint;
  o["config"] = boost::json::parse(toJson(b.config));
  boost::json::error_code ec;
  auto provenance = boost::json::parse(b.provenance.empty() ? "{}" : b.provenance, ec);
  if (ec) throw BundleError("bundle provenance is not valid JSON");
  o["provenance"] = provenance;
  return boost::json::serialize(o);
}

}  // namespace

void writeBundleFile(const std::string& path, const BundleFile& b) {
  if (b.tokenizer.empty()) throw BundleError("refusing to write a bundle without a tokenizer");
  if (b.weights.empty()) throw BundleError("refusing to write a bundle without weights");
  std::string out(kMagic, sizeof kMagic);
  putU32(out, kBundleVersion);
  putBlob(out, headerJson(b));
  putBlob(out, b.tokenizer);
  putBlob(out, b.weights);
  out += sha256Hex(out.data(), out.size());
  out.append(kEndMagic, sizeof kEndMagic);

  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw BundleError("cannot write model bundle '" + tmp + "'");
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f.flush()) throw BundleError("write failed for model bundle '" + tmp + "' (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw BundleError("cannot move model bundle into place at '" + path + "'");
  }
}

BundleFile parseBundle(const std::string& bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw BundleError("not an MCR model bundle (bad magic)");
  // The version is checked before the trailer: an old bundle should say "wrong version".
  if (bytes.size() < sizeof kMagic + 4) throw BundleError("model bundle is truncated (in version)");
  Reader head(bytes, bytes.size());
  head.skip(sizeof kMagic);
  auto version = static_cast<std::uint32_t>(head.u(4, "version"));
  if (version != kBundleVersion)
    throw BundleError("model bundle has format version " + std::to_string(version) + ", this build reads version " +
                      std::to_string(kBundleVersion));
  const std::size_t trailer = kDigestLen + sizeof kEndMagic;
  if (bytes.size() < sizeof kMagic + 4 + trailer ||
      std::memcmp(bytes.data() + bytes.size() - sizeof kEndMagic, kEndMagic, sizeof kEndMagic) != 0)
    throw BundleError("model bundle is truncated (end marker missing)");
  const std::size_t bodyEnd = bytes.size() - trailer;
  if (sha256Hex(bytes.data(), bodyEnd) != bytes.substr(bodyEnd, kDigestLen))
    throw BundleError("model bundle is corrupt (checksum mismatch)");

  Reader r(bytes, bodyEnd);
  r.skip(sizeof kMagic + 4);
  BundleFile b;
  b.version = version;
  std::string header = r.blob("header");
  b.tokenizer = r.blob("tokenizer");
  b.weights = r.blob("weights");
  if (r.pos() != bodyEnd) throw BundleError("model bundle has unexpected trailing data");
  if (b.tokenizer.empty()) throw BundleError("model bundle has no tokenizer");
  if (b.weights.empty()) throw BundleError("model bundle has no weights");

  boost::json::error_code ec;
  auto hv = boost::json::parse(header, ec);
  if (ec || !hv.is_object()) throw BundleError("model bundle header is not a JSON object");
  const auto& o = hv.as_object();
  auto str = [&](const char* key) -> std::string {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) throw BundleError(std::string("model bundle header lacks '") + key + "'");
    return std::string(it->value().as_string());
  };
  b.name = str("name");
  b.fingerprint = str("fingerprint");
  auto cfg = o.find("config");
  if (cfg == o.end()) throw BundleError("model bundle header lacks 'config'");
  try {
    b.config = configFromJson(boost::json::serialize(cfg->value()));
  } catch (const std::invalid_argument& e) {
    throw BundleError(std::string("model bundle config: ") + e.what());
  }
  auto prov = o.find("provenance");
  b.provenance = prov == o.end() ? "{}" : boost::json::serialize(prov->value());
  return b;
}

BundleFile readBundleFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw BundleError("model bundle '" + path + "' does not exist or cannot be read");
  std::ostringstream ss;
  ss << f.rdbuf();
  try {
    return parseBundle(ss.str());
  } catch (const BundleError& e) {
    throw BundleError("'" + path + "': " + e.what());
  }
}

}  // namespace mcr::model
