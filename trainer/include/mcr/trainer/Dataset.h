#pragma once
// Studies in memory for training and evaluation: letterboxed 8-bit images and token ids.
#include <cstdint>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "mcr/image/GrayImage.h"
#include "mcr/model/torch/MCRModel.h"
#include "mcr/tokenizer/Tokenizer.h"
#include "mcr/trainer/ImageAugment.h"
#include "mcr/trainer/Manifest.h"

namespace mcr::trainer {

struct LoadedStudies {
  std::vector<Study> studies;
  torch::Tensor images;                    // (N, S, S) uint8, letterboxed
  std::vector<std::vector<int64_t>> ids;   // tokenizer ids, [CLS] ... [SEP]
  std::vector<int64_t> groups;             // equal = identical normalised report text
  std::vector<std::string> skipped;        // "path: reason" for studies whose image failed to load
  std::size_t size() const { return studies.size(); }
};

// Contrastive positives: by default two studies are each other's positives when their
// normalised report texts are identical (`groups` as loaded). With this, when their finding
// sets are equal (every study needs a findings column): all normal studies of a batch are
// then positives of each other instead of false negatives. Throws std::runtime_error when a
// study has no findings column.
void groupByFindings(LoadedStudies& data);
// The same check alone, before any image is loaded: throws std::runtime_error naming the
// first study without a findings column and `neededBy` (the option that needs it).
void requireFindings(const std::vector<Study>& studies, const std::string& neededBy = "--positives findings");

// A PNG, or a DICOM file (decoded and windowed by mcr_image), chosen by content.
image::GrayImage loadStudyImage(const std::string& path);

// Decodes every image (on `threads` threads) and tokenizes every report. Studies whose
// image cannot be decoded are skipped and listed in `skipped`, never fatal.
LoadedStudies loadStudies(std::vector<Study> studies, int imageSize, const tokenizer::Tokenizer& tok, int maxTokens,
                          int threads);

// How well a tokenizer fits the reports: a fine-tune (--init) keeps its bundle's tokenizer,
// learnt on other text, so a site's words may split into many pieces, reach the model as
// [UNK] or run past maxTokens. Counted on each report's whole encoding, [CLS]/[SEP] left out.
struct TokenCoverage {
  double meanTokens = 0;      // content tokens per report, before any cut
  double unknownShare = 0;    // [UNK] among all content tokens
  double truncatedShare = 0;  // reports longer than maxTokens ids: their end is dropped
};
TokenCoverage tokenCoverage(const std::vector<Study>& studies, const tokenizer::Tokenizer& tok, int maxTokens);

// The given rows as a batch (CPU tensors; ids padded to the longest report in the batch).
model::TrainBatch makeBatch(const LoadedStudies& data, const std::vector<std::size_t>& rows);
// The same with the token ids of each row given (augmented report texts, row order).
model::TrainBatch makeBatch(const LoadedStudies& data, const std::vector<std::size_t>& rows,
                            const std::vector<std::vector<int64_t>>& rowIds);

// The batch's images (B, 1, S, S) in [0, 1] after the augmentation of `options` (see
// ImageAugment.h), drawn from `seed`; the images themselves when it is off.
torch::Tensor augmentImages(const torch::Tensor& images, const ImageAugmentOptions& options, uint64_t seed);

}  // namespace mcr::trainer
