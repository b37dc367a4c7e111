#pragma once

namespace mcr::image::detail {

// Registers DCMTK's JPEG (baseline, extended, lossless), JPEG-LS and RLE decoders and
// the colour-image support of dcmimage, exactly once per process, from any thread.
// Deflated little endian needs no codec: dcmdata inflates it while parsing.
void ensureDcmtkCodecsRegistered();

}  // namespace mcr::image::detail
