#include "mcr/trainer/Dataset.h"

#include <atomic>
#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "mcr/image/DicomImageDecoder.h"
#include "mcr/image/ImageOps.h"

namespace mcr::trainer {

image::GrayImage loadStudyImage(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open image '" + path + "'");
  char head[132] = {};
  f.read(head, sizeof head);
  const auto got = f.gcount();
  if (got >= 8 && static_cast<unsigned char>(head[0]) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G')
    return image::loadPng(path);
  if (got >= 132 && std::string(head + 128, 4) == "DICM") return image::decodeDicomFile(path).image;
  // DICOM without a preamble (rare, older files): let DCMTK decide.
  return image::decodeDicomFile(path).image;
}

LoadedStudies loadStudies(std::vector<Study> studies, int imageSize, const tokenizer::Tokenizer& tok, int maxTokens,
                          int threads) {
  const std::size_t n = studies.size();
  std::vector<image::GrayImage> boxed(n);
  std::vector<std::string> error(n);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      try {
        boxed[i] = image::letterbox(loadStudyImage(studies[i].imagePath), imageSize);
      } catch (const std::exception& e) {
        error[i] = studies[i].imagePath + ": " + e.what();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::max(1, threads); ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();

  LoadedStudies out;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < n; ++i) kept += error[i].empty() ? 1 : 0;
  out.images = torch::empty({static_cast<int64_t>(kept), imageSize, imageSize}, torch::kUInt8);
  std::map<std::string, int64_t> groupOf;
  auto* dst = out.images.data_ptr<uint8_t>();
  const std::size_t pixels = static_cast<std::size_t>(imageSize) * imageSize;
  for (std::size_t i = 0; i < n; ++i) {
    if (!error[i].empty()) {
      out.skipped.push_back(error[i]);
      continue;
    }
    for (std::size_t p = 0; p < pixels; ++p)
      *dst++ = static_cast<uint8_t>(std::lround(std::clamp(boxed[i].pixels[p], 0.0f, 1.0f) * 255.0f));
    out.ids.push_back(tok.encode(studies[i].reportText, static_cast<std::size_t>(maxTokens)));
    auto g = groupOf.emplace(studies[i].reportText, static_cast<int64_t>(groupOf.size())).first->second;
    out.groups.push_back(g);
    out.studies.push_back(std::move(studies[i]));
  }
  return out;
}

TokenCoverage tokenCoverage(const std::vector<Study>& studies, const tokenizer::Tokenizer& tok, int maxTokens) {
  TokenCoverage c;
  if (studies.empty()) return c;
  // Far above any model's maxTokens: the whole report, so a cut is told from an exact fit.
  constexpr std::size_t kWhole = std::size_t{1} << 16;
  std::size_t content = 0, unknown = 0, truncated = 0;
  for (const auto& study : studies) {
    const auto ids = tok.encode(study.reportText, kWhole);
    for (auto id : ids) {
      if (id == tokenizer::kClsId || id == tokenizer::kSepId) continue;
      ++content;
      unknown += id == tokenizer::kUnkId ? 1 : 0;
    }
    truncated += ids.size() > static_cast<std::size_t>(maxTokens) ? 1 : 0;
  }
  const auto reports = static_cast<double>(studies.size());
  c.meanTokens = static_cast<double>(content) / reports;
  c.unknownShare = content == 0 ? 0.0 : static_cast<double>(unknown) / static_cast<double>(content);
  c.truncatedShare = static_cast<double>(truncated) / reports;
  return c;
}

void requireFindings(const std::vector<Study>& studies, const std::string& neededBy) {
  for (const auto& s : studies)
    if (!s.hasFindings) throw std::runtime_error(neededBy + " needs a findings column; '" + s.studyId + "' has none");
}

void groupByFindings(LoadedStudies& data) {
  requireFindings(data.studies);
  std::map<std::string, int64_t> groupOf;
  for (std::size_t i = 0; i < data.size(); ++i)
    data.groups[i] = groupOf.emplace(findingSetKey(data.studies[i].findings), static_cast<int64_t>(groupOf.size()))
                         .first->second;
}

model::TrainBatch makeBatch(const LoadedStudies& data, const std::vector<std::size_t>& rows) {
  std::vector<std::vector<int64_t>> rowIds;
  rowIds.reserve(rows.size());
  for (auto r : rows) rowIds.push_back(data.ids[r]);
  return makeBatch(data, rows, rowIds);
}

model::TrainBatch makeBatch(const LoadedStudies& data, const std::vector<std::size_t>& rows,
                            const std::vector<std::vector<int64_t>>& rowIds) {
  if (rowIds.size() != rows.size()) throw std::invalid_argument("makeBatch: one token list per row expected");
  const auto b = static_cast<int64_t>(rows.size());
  std::size_t longest = 0;
  for (const auto& row : rowIds) longest = std::max(longest, row.size());
  model::TrainBatch batch;
  auto index = torch::empty({b}, torch::kLong);
  for (int64_t i = 0; i < b; ++i) index[i] = static_cast<int64_t>(rows[i]);
  batch.images = data.images.index_select(0, index).unsqueeze(1).to(torch::kFloat).div_(255.0);
  batch.ids = torch::full({b, static_cast<int64_t>(longest)}, tokenizer::kPadId, torch::kLong);
  batch.groups = torch::empty({b}, torch::kLong);
  auto ids = batch.ids.accessor<int64_t, 2>();
  for (int64_t i = 0; i < b; ++i) {
    const auto& row = rowIds[static_cast<std::size_t>(i)];
    for (std::size_t j = 0; j < row.size(); ++j) ids[i][j] = row[j];
    batch.groups[i] = data.groups[rows[i]];
  }
  return batch;
}

}  // namespace mcr::trainer
