#pragma once
// The project's one definition of well-formed UTF-8 (RFC 3629): no overlong forms, no
// UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequences.
// Standard library only (target mcr_utf8), so the tokenizer uses it without DCMTK.
#include <cstddef>
#include <string_view>

namespace mcr::report {

// Length in bytes (1..4) of the well-formed character that starts at text[pos], or 0
// when none does (a stray continuation byte, an overlong, a surrogate, a truncated form).
// pos must be < text.size().
std::size_t utf8CharLength(std::string_view text, std::size_t pos);

// Is the whole text well-formed UTF-8? Control characters (NUL included) are valid UTF-8;
// callers that refuse them check that themselves.
bool isValidUtf8(std::string_view text);

}  // namespace mcr::report
