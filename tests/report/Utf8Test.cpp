// The project's one UTF-8 definition, RFC 3629 (its section 10 lists the classic attacks).
#include <gtest/gtest.h>

#include <string>

#include "mcr/report/Utf8.h"

namespace mcr::report {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ASCII, tabs\tand\nlines"));
  EXPECT_TRUE(isValidUtf8(std::string("nul\0inside", 10)));  // valid UTF-8; callers refuse controls
  EXPECT_TRUE(isValidUtf8("caf\xc3\xa9 \xe2\x80\x93 \xe2\x82\xac"));  // 2- and 3-byte forms
  EXPECT_TRUE(isValidUtf8("\xf0\x9f\x98\x80"));                       // U+1F600, 4 bytes
  EXPECT_TRUE(isValidUtf8("\xf4\x8f\xbf\xbf"));                       // U+10FFFF, the last
  EXPECT_TRUE(isValidUtf8("\xed\x9f\xbf \xee\x80\x80"));              // U+D7FF and U+E000 around the surrogates
  EXPECT_TRUE(isValidUtf8("\xc2\x80 \xe0\xa0\x80 \xf0\x90\x80\x80"));  // the shortest form of each length
}

TEST(Utf8, RejectsSurrogates) {
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));  // U+D800
  EXPECT_FALSE(isValidUtf8("\xed\xbf\xbf"));  // U+DFFF
  EXPECT_FALSE(isValidUtf8("\xed\xa0\xbd\xed\xb8\x80"));  // CESU-8 pair for U+1F600
}

TEST(Utf8, RejectsOverlongForms) {
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // '/' in two bytes
  EXPECT_FALSE(isValidUtf8("\xc1\xbf"));
  EXPECT_FALSE(isValidUtf8("\xc0\x80"));          // "modified UTF-8" NUL
  EXPECT_FALSE(isValidUtf8("\xe0\x80\xaf"));
  EXPECT_FALSE(isValidUtf8("\xe0\x9f\xbf"));      // U+07FF in three bytes
  EXPECT_FALSE(isValidUtf8("\xf0\x80\x80\xaf"));
  EXPECT_FALSE(isValidUtf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in four bytes
}

TEST(Utf8, RejectsCodePointsAboveU10FFFF) {
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(isValidUtf8("\xf7\xbf\xbf\xbf"));
  for (int lead = 0xf8; lead <= 0xff; ++lead)  // 5- and 6-byte leads, 0xfe, 0xff
    EXPECT_FALSE(isValidUtf8(std::string(1, static_cast<char>(lead)) + "\x80\x80\x80\x80\x80")) << lead;
}

TEST(Utf8, RejectsTruncatedAndStrayBytes) {
  EXPECT_FALSE(isValidUtf8("\xc3"));
  EXPECT_FALSE(isValidUtf8("\xe2\x82"));
  EXPECT_FALSE(isValidUtf8("\xf0\x9f\x98"));
  EXPECT_FALSE(isValidUtf8("ok \xf0\x9f\x98 then more"));  // a following ASCII byte is no continuation
  EXPECT_FALSE(isValidUtf8("\x80"));                       // a continuation byte alone
  EXPECT_FALSE(isValidUtf8("a\xbf"));
  EXPECT_FALSE(isValidUtf8("\xc3\x28"));
}

TEST(Utf8, CharLengthFindsBoundaries) {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  EXPECT_EQ(utf8CharLength(text, 0), 1u);
  EXPECT_EQ(utf8CharLength(text, 1), 2u);
  EXPECT_EQ(utf8CharLength(text, 3), 3u);
  EXPECT_EQ(utf8CharLength(text, 6), 4u);
  EXPECT_EQ(utf8CharLength(text, 2), 0u);   // inside a character
  EXPECT_EQ(utf8CharLength(text.substr(0, 9), 6), 0u);  // cut short
}

}  // namespace
}  // namespace mcr::report
