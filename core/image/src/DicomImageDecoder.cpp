// Step 2 of decoding: the parsed data set -> DCMTK's grayscale pipeline -> [0, 1] floats.
//
// Pipeline (all on the first frame only; DicomImage is asked for exactly one frame so a
// 500-frame cine costs one frame's decompression):
//   decompress (JPEG, JPEG-LS, RLE; deflate was undone by the parser)
//   -> colour (RGB, YBR_*, PALETTE COLOR) to BT.601 luminance
//   -> Bits Stored / Pixel Representation masking and sign (DCMTK)
//   -> Modality LUT or Rescale Slope/Intercept (DCMTK)
//   -> VOI: the first VOI LUT, else the first window, else the percentile window
//   -> MONOCHROME1 inverted so that 0 is always black (air)
//   -> 16-bit output / 65535.
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmimgle/dcmimage.h>

#include "DicomDataset.h"
#include "FileBytes.h"
#include "PixelWindowing.h"
#include "mcr/image/DicomImageDecoder.h"

namespace mcr::image {
namespace {

[[noreturn]] void fail(DecodeErrorCode code, const std::string& message) { throw DecodeError(code, message); }

DecodeErrorCode codeForStatus(EI_Status status, const DecodeFacts& facts) {
  switch (status) {
    case EIS_NotSupportedValue:
      return facts.bitsStored > 16 ? DecodeErrorCode::UnsupportedBitDepth : DecodeErrorCode::Corrupt;
    case EIS_MissingAttribute:
    case EIS_InvalidValue:
    case EIS_InvalidDocument:
    case EIS_InvalidImage:
      return DecodeErrorCode::Corrupt;
    default:
      return DecodeErrorCode::MissingPixelData;  // decompression or memory failure: no usable pixels
  }
}

std::unique_ptr<DicomImage> openFirstFrame(DcmDataset& dataset, const DecodeFacts& facts) {
  // Partial access decompresses only the requested frame. Where DCMTK cannot find the
  // frame's fragments that way (no offset table), the whole pixel data is decompressed.
  auto image = std::make_unique<DicomImage>(&dataset, dataset.getOriginalXfer(), CIF_UsePartialAccessToPixelData, 0UL, 1UL);
  if (image->getStatus() == EIS_Normal) return image;
  image = std::make_unique<DicomImage>(&dataset, dataset.getOriginalXfer(), 0UL, 0UL, 1UL);
  const EI_Status status = image->getStatus();
  if (status != EIS_Normal) {
    fail(codeForStatus(status, facts), std::string("DCMTK cannot render the image: ") + DicomImage::getString(status));
  }
  return image;
}

// Picks and applies the VOI transformation; records what was applied.
void applyVoi(DicomImage& mono, bool fromColour, DecodeFacts& facts) {
  if (!fromColour) {
    // 1. The first VOI LUT of the file.
    if (mono.getVoiLutCount() > 0 && mono.setVoiLut(0)) {
      facts.windowSource = "voi-lut";
      facts.windowCenter = facts.windowWidth = 0;
      return;
    }
    // 2. The first window centre/width of the file (DCMTK rejects a width below 1).
    double center = 0, width = 0;
    if (mono.getWindowCount() > 0 && mono.setWindow(0) && mono.getWindow(center, width) && width >= 1) {
      facts.windowSource = "window";
      facts.windowCenter = center;
      facts.windowWidth = width;
      return;
    }
  }
  // 3. Percentiles of the modality values of this frame.
  const DiPixel* values = mono.getInterData();
  if (values == nullptr || values->getCount() == 0) fail(DecodeErrorCode::MissingPixelData, "no pixel values decoded");
  const detail::LinearWindow window = detail::windowSpanning(detail::percentileRange(*values));
  if (!mono.setWindow(window.center, window.width)) fail(DecodeErrorCode::Corrupt, "DCMTK rejected the percentile window");
  facts.windowSource = "percentile";
  facts.windowCenter = window.center;
  facts.windowWidth = window.width;
}

DecodedImage render(detail::ParsedDicom& parsed) {
  DcmDataset& dataset = *parsed.file->getDataset();
  DecodedImage result;
  result.facts = parsed.facts;
  std::unique_ptr<DicomImage> image = openFirstFrame(dataset, result.facts);

  std::unique_ptr<DicomImage> converted;
  DicomImage* mono = image.get();
  const bool fromColour = !image->isMonochrome();
  if (fromColour) {
    // The same BT.601 weights as DCMTK's default and dcm2pnm +G.
    converted.reset(image->createMonochromeImage(0.299, 0.587, 0.114));
    if (!converted || converted->getStatus() != EIS_Normal) {
      fail(DecodeErrorCode::Corrupt, "colour image cannot be converted to luminance");
    }
    mono = converted.get();
  }
  applyVoi(*mono, fromColour, result.facts);

  const int width = static_cast<int>(mono->getWidth());
  const int height = static_cast<int>(mono->getHeight());
  if (width != result.facts.columns || height != result.facts.rows) {
    fail(DecodeErrorCode::Corrupt, "rendered size differs from Rows/Columns");
  }
  // MONOCHROME1 comes out of DCMTK already inverted (display sense), so 0 = black always.
  const auto* out = static_cast<const Uint16*>(mono->getOutputData(16, 0, 0));
  if (out == nullptr) fail(DecodeErrorCode::MissingPixelData, "DCMTK produced no output for the first frame");
  GrayImage& gray = result.image;
  gray.width = width;
  gray.height = height;
  gray.pixels.resize(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  for (std::size_t i = 0; i < gray.pixels.size(); ++i) gray.pixels[i] = out[i] / 65535.0f;
  return result;
}

}  // namespace

DecodedImage decodeDicomBuffer(const void* data, std::size_t size) {
  try {
    detail::ParsedDicom parsed = detail::parseImageDataset(data, size);
    return render(parsed);
  } catch (const std::bad_alloc&) {
    fail(DecodeErrorCode::Corrupt, "out of memory while decoding (declared sizes too large?)");
  }
}

DecodedImage decodeDicomFile(const std::string& path) {
  const std::vector<std::uint8_t> bytes = detail::readFileBytes(path);
  try {
    return decodeDicomBuffer(bytes.data(), bytes.size());
  } catch (const DecodeError& e) {
    throw DecodeError(e.code(), path + ": " + detail::withoutCodePrefix(e), e.photometric());
  }
}

}  // namespace mcr::image
