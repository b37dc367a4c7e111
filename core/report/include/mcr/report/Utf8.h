#pragma once
// The project's one UTF-8 validator, for every text input (report uploads, SR text, search
// queries): strict RFC 3629, so that what is stored is exactly what a reader decodes.
#include <cstddef>
#include <string_view>

namespace mcr::report {

// Well-formed UTF-8: no overlong forms (\xc0\xaf), no UTF-16 surrogates (\xed\xa0\x80),
// nothing above U+10FFFF, no truncated sequence.
bool isValidUtf8(std::string_view text);

// Code points of valid UTF-8 text.
std::size_t codePoints(std::string_view text);

}  // namespace mcr::report
