#include "DcmtkCodecs.h"

#include <mutex>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmimage/diregist.h>  // plugs colour (RGB, YBR, palette) support into DicomImage
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/dcmdata/dcrledrg.h>

namespace mcr::image::detail {

void ensureDcmtkCodecsRegistered() {
  // DCMTK's registerCodecs() are idempotent per library but not thread-safe; inside
  // Orthanc the host may have registered the same shared-library codecs already, which
  // their own 'registered' flags detect. Decoders are never deregistered: another user
  // of the same libdcmdata in the process may still need them.
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();      // JPEG baseline/extended/lossless (IJG 8/12/16 bit)
    DJLSDecoderRegistration::registerCodecs();    // JPEG-LS lossless and near-lossless (CharLS)
    DcmRLEDecoderRegistration::registerCodecs();  // RLE lossless
  });
}

}  // namespace mcr::image::detail
