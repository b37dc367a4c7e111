#include "DicomDataset.h"

#include <cstdint>
#include <string>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include "DcmtkCodecs.h"
#include "DeflatedDataset.h"
#include "mcr/dicomio/MemoryInputStream.h"

namespace mcr::image::detail {
namespace {

[[noreturn]] void fail(DecodeErrorCode code, const std::string& message) { throw DecodeError(code, message); }

std::string stringOf(DcmDataset& ds, const DcmTagKey& tag) {
  OFString value;
  return ds.findAndGetOFString(tag, value).good() ? std::string(value.c_str()) : std::string();
}

// Returns -1 when the attribute is absent or not a number.
long intOf(DcmDataset& ds, const DcmTagKey& tag) {
  Uint16 u16 = 0;
  if (ds.findAndGetUint16(tag, u16).good()) return u16;
  Sint32 s32 = 0;  // IS attributes such as Number of Frames
  if (ds.findAndGetSint32(tag, s32).good()) return s32;
  return -1;
}

// Reads the whole object. Deflated data sets are inflated first (DeflatedDataset.h);
// returns the transfer syntax the file declares.
E_TransferSyntax readFromMemory(const void* data, std::size_t size, ParsedDicom& parsed) {
  if (data == nullptr || size == 0) fail(DecodeErrorCode::Corrupt, "empty input");
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  parsed.file = std::make_unique<DcmFileFormat>();
  DcmDataset* ds = parsed.file->getDataset();
  OFCondition status;
  E_TransferSyntax declared = EXS_Unknown;
  const MetaHeader meta = scanMetaHeader(bytes, size);
  if (meta.found && meta.transferSyntaxUid == UID_DeflatedExplicitVRLittleEndianTransferSyntax) {
    parsed.inflated = inflateDataset(bytes + meta.datasetOffset, size - meta.datasetOffset);
    dicomio::MemoryInputStream stream(parsed.inflated.data(), parsed.inflated.size());
    ds->transferInit();
    status = ds->read(stream, EXS_LittleEndianExplicit, EGL_noChange, DCM_MaxReadLength);
    ds->transferEnd();
    declared = EXS_DeflatedLittleEndianExplicit;
  } else {
    dicomio::MemoryInputStream stream(data, size);
    parsed.file->transferInit();
    status = parsed.file->read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    parsed.file->transferEnd();
    ds = parsed.file->getDataset();
    if (ds != nullptr) declared = ds->getOriginalXfer();
  }
  if (status.bad()) {
    // The parser had reached the pixel data when the bytes ran out (or went wrong).
    if (ds != nullptr && ds->tagExists(DCM_PixelData)) {
      fail(DecodeErrorCode::MissingPixelData, std::string("truncated or damaged pixel data: ") + status.text());
    }
    fail(DecodeErrorCode::Corrupt, std::string("not parseable as DICOM: ") + status.text());
  }
  if (ds == nullptr || ds->card() == 0) fail(DecodeErrorCode::Corrupt, "no DICOM data set in the input");
  return declared;
}

void checkPixelDataPresent(DcmDataset& ds, const DecodeFacts& facts) {
  if (ds.tagExists(DCM_PixelData)) return;
  if (ds.tagExists(DCM_FloatPixelData) || ds.tagExists(DCM_DoubleFloatPixelData)) {
    fail(DecodeErrorCode::UnsupportedBitDepth, "floating-point pixel data (parametric maps) is not supported");
  }
  const std::string what = facts.sopClassUid.empty() ? "object" : "object of SOP class " + facts.sopClassUid;
  fail(DecodeErrorCode::NotAnImage, "no Pixel Data in this " + what +
                                        (facts.modality.empty() ? "" : " (modality " + facts.modality + ")"));
}

void checkTransferSyntax(E_TransferSyntax xfer, const DecodeFacts& facts) {
  const DcmXfer syntax(xfer);
  if (xfer == EXS_Unknown) fail(DecodeErrorCode::Corrupt, "unknown transfer syntax");
  if (syntax.isEncapsulated() && !DcmCodecList::canChangeCoding(xfer, EXS_LittleEndianExplicit)) {
    throw DecodeError(DecodeErrorCode::UnsupportedTransferSyntax,
                      "DCMTK has no decoder for " + facts.transferSyntaxName + " (" + facts.transferSyntaxUid + ")",
                      facts.photometric);
  }
}

void checkGeometry(const DecodeFacts& facts, int samplesPerPixel, int bitsAllocated) {
  if (facts.rows <= 0 || facts.columns <= 0 || facts.rows > kMaxDimension || facts.columns > kMaxDimension) {
    if (facts.rows < 0 || facts.columns < 0) fail(DecodeErrorCode::BadDimensions, "Rows or Columns missing");
    fail(DecodeErrorCode::BadDimensions, "image of " + std::to_string(facts.columns) + "x" +
                                             std::to_string(facts.rows) + " pixels (allowed 1.." +
                                             std::to_string(kMaxDimension) + " a side)");
  }
  // UnsupportedBitDepth is the other code the plugin falls back on: say the photometric too.
  if (samplesPerPixel != 1 && samplesPerPixel != 3) {
    throw DecodeError(DecodeErrorCode::UnsupportedBitDepth, "Samples per Pixel " + std::to_string(samplesPerPixel),
                      facts.photometric);
  }
  const bool allocatedOk = bitsAllocated == 1 || bitsAllocated == 8 || bitsAllocated == 16 || bitsAllocated == 32;
  if (!allocatedOk || facts.bitsStored < 1 || facts.bitsStored > bitsAllocated) {
    throw DecodeError(DecodeErrorCode::UnsupportedBitDepth,
                      "Bits Allocated " + std::to_string(bitsAllocated) + ", Bits Stored " + std::to_string(facts.bitsStored),
                      facts.photometric);
  }
}

// RLE Lossless: every fragment is one frame and opens with a 64-byte header (segment count,
// then 15 segment offsets from the fragment start). DCMTK 3.6.7 trusts those offsets: one
// past the fragment's end made it read far outside the buffer (a fuzzer found it with a
// damaged copy of pydicom's SC_rgb_rle_32bit.dcm). Check them before DCMTK decodes.
void checkRleFragments(DcmPixelSequence& sequence) {
  for (unsigned long i = 1; i < sequence.card(); ++i) {  // item 0 is the offset table
    DcmPixelItem* item = nullptr;
    if (sequence.getItem(item, i).bad() || item == nullptr) fail(DecodeErrorCode::Corrupt, "RLE fragment cannot be read");
    Uint8* bytes = nullptr;
    const Uint32 length = item->getLength();
    if (length < 64 || item->getUint8Array(bytes).bad() || bytes == nullptr) {
      fail(DecodeErrorCode::Corrupt, "RLE fragment " + std::to_string(i) + " is shorter than its 64-byte header");
    }
    auto word = [&](int k) {
      const Uint8* p = bytes + 4 * k;
      return static_cast<Uint32>(p[0]) | static_cast<Uint32>(p[1]) << 8 | static_cast<Uint32>(p[2]) << 16 |
             static_cast<Uint32>(p[3]) << 24;
    };
    const Uint32 segments = word(0);
    if (segments < 1 || segments > 15) {
      fail(DecodeErrorCode::Corrupt, "RLE fragment " + std::to_string(i) + " declares " + std::to_string(segments) + " segments");
    }
    Uint32 previous = 64;
    for (Uint32 s = 0; s < segments; ++s) {
      const Uint32 offset = word(static_cast<int>(s) + 1);
      if ((s == 0 && offset != 64) || offset < previous || offset >= length) {
        fail(DecodeErrorCode::Corrupt, "RLE fragment " + std::to_string(i) + ": segment " + std::to_string(s + 1) +
                                           " starts at " + std::to_string(offset) + ", outside its " +
                                           std::to_string(length) + "-byte fragment");
      }
      previous = offset;
    }
  }
}

// Native (uncompressed) data must hold at least the first frame: DCMTK would otherwise
// pad the missing pixels with the background value and report success.
void checkPixelDataComplete(DcmDataset& ds, const DcmXfer& syntax, const DecodeFacts& facts, int samplesPerPixel,
                            int bitsAllocated) {
  DcmElement* element = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
    fail(DecodeErrorCode::MissingPixelData, "Pixel Data cannot be read");
  }
  auto* pixelData = dynamic_cast<DcmPixelData*>(element);
  if (pixelData == nullptr) fail(DecodeErrorCode::MissingPixelData, "Pixel Data is not a pixel data element");
  if (syntax.isEncapsulated()) {
    DcmPixelSequence* sequence = nullptr;
    if (pixelData->getEncapsulatedRepresentation(syntax.getXfer(), nullptr, sequence).bad() || sequence == nullptr) {
      fail(DecodeErrorCode::MissingPixelData, "encapsulated Pixel Data without a fragment sequence");
    }
    if (sequence->card() < 2) {  // item 0 is the offset table; the first frame needs a fragment
      fail(DecodeErrorCode::MissingPixelData, "encapsulated Pixel Data holds no fragments");
    }
    if (syntax.getXfer() == EXS_RLELossless) checkRleFragments(*sequence);
    return;
  }
  // Horizontally subsampled YBR stores two samples per pixel (Y Y Cb Cr per pixel pair).
  const bool subsampled = facts.photometric == "YBR_FULL_422" || facts.photometric == "YBR_PARTIAL_422";
  const int samplesStored = subsampled && samplesPerPixel == 3 ? 2 : samplesPerPixel;
  const unsigned long long pixels = static_cast<unsigned long long>(facts.rows) * facts.columns * samplesStored;
  const unsigned long long needed = (pixels * static_cast<unsigned>(bitsAllocated) + 7) / 8;
  const unsigned long long have = pixelData->getLength();
  if (have < needed) {
    fail(DecodeErrorCode::MissingPixelData, "Pixel Data holds " + std::to_string(have) + " bytes, the first frame needs " +
                                                std::to_string(needed));
  }
}

}  // namespace

ParsedDicom parseImageDataset(const void* data, std::size_t size) {
  ensureDcmtkCodecsRegistered();
  ParsedDicom parsed;
  const E_TransferSyntax xfer = readFromMemory(data, size, parsed);
  DcmDataset& ds = *parsed.file->getDataset();

  DecodeFacts& facts = parsed.facts;
  const DcmXfer syntax(xfer);
  facts.transferSyntaxUid = syntax.getXferID();
  facts.transferSyntaxName = syntax.getXferName();
  facts.sopClassUid = stringOf(ds, DCM_SOPClassUID);
  facts.modality = stringOf(ds, DCM_Modality);
  // Read before decompression: DCMTK's JPEG decoder rewrites Photometric Interpretation
  // (e.g. YBR_FULL_422 -> RGB) in the data set, and the facts must say what the file said.
  // Read before the transfer syntax check too: its error carries it to fallback decoders.
  facts.photometric = stringOf(ds, DCM_PhotometricInterpretation);
  checkPixelDataPresent(ds, facts);
  checkTransferSyntax(xfer, facts);
  facts.rows = static_cast<int>(intOf(ds, DCM_Rows));
  facts.columns = static_cast<int>(intOf(ds, DCM_Columns));
  const long frames = intOf(ds, DCM_NumberOfFrames);
  facts.frames = frames > 0 ? static_cast<int>(frames) : 1;
  facts.bitsStored = static_cast<int>(intOf(ds, DCM_BitsStored));
  parsed.bitsAllocated = static_cast<int>(intOf(ds, DCM_BitsAllocated));
  const long samples = intOf(ds, DCM_SamplesPerPixel);
  parsed.samplesPerPixel = samples < 0 ? 1 : static_cast<int>(samples);  // absent in some ACR-NEMA files: 1
  facts.inverted = facts.photometric == "MONOCHROME1";

  checkGeometry(facts, parsed.samplesPerPixel, parsed.bitsAllocated);
  checkPixelDataComplete(ds, syntax, facts, parsed.samplesPerPixel, parsed.bitsAllocated);
  return parsed;
}

}  // namespace mcr::image::detail
