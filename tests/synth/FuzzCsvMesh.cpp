// libFuzzer: arbitrary bytes as a reports CSV through the parser, the MeSH mapping and the
// study builder. Nothing may crash, hang or leak; bad rows become problems.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mcr/synth/Csv.h"
#include "mcr/synth/Findings.h"
#include "mcr/synth/Phantom.h"
#include "mcr/synth/Synthesizer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const mcr::synth::CsvTable table = mcr::synth::parseCsv(text);
  for (const auto& row : table.rows)
    for (const auto& field : row.fields) {
      const auto mapping = mcr::synth::mapMeshField(field);
      for (const auto& f : mapping.findings) (void)mcr::synth::canRender(f);
    }
  try {
    (void)mcr::synth::studiesFromCsv(table, nullptr, 0);
  } catch (const std::runtime_error&) {
    // missing columns: a clean, typed error
  }
  return 0;
}
