// The embedded files must be byte-for-byte the files under webviewer/app/, each with the
// MIME type a browser needs to run it (a module script served as text/plain is refused).
#include "mcr/webviewer/Assets.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;
using mcr::webviewer::findAsset;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

TEST(WebviewerAssets, EveryAppFileIsEmbeddedVerbatim) {
  const fs::path appDir = MCR_WEBVIEWER_APP_DIR;
  ASSERT_TRUE(fs::is_directory(appDir)) << appDir;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(appDir)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), appDir).generic_string();
    const mcr::webviewer::Asset* asset = findAsset(rel);
    ASSERT_NE(asset, nullptr) << rel << " is not embedded";
    EXPECT_EQ(asset->body, readFile(entry.path())) << rel;
    EXPECT_FALSE(asset->mime.empty()) << rel;
    ++files;
  }
  EXPECT_GE(files, 3);  // index.html, its stylesheet and its script at least
}

TEST(WebviewerAssets, IndexIsServedForTheRoot) {
  const auto* index = findAsset("index.html");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(findAsset(""), index);
  EXPECT_EQ(findAsset("/"), index);
  EXPECT_EQ(findAsset("/index.html"), index);
  EXPECT_EQ(index->mime, "text/html; charset=utf-8");
  EXPECT_NE(index->body.find("<!doctype html>"), std::string_view::npos);
}

TEST(WebviewerAssets, MimeTypesFollowTheExtension) {
  const auto* script = findAsset("js/app.js");
  ASSERT_NE(script, nullptr);
  EXPECT_EQ(script->mime, "text/javascript; charset=utf-8");
  const auto* style = findAsset("css/app.css");
  ASSERT_NE(style, nullptr);
  EXPECT_EQ(style->mime, "text/css; charset=utf-8");
}

TEST(WebviewerAssets, UnknownAndEscapingPathsAreNotFound) {
  EXPECT_EQ(findAsset("missing.html"), nullptr);
  EXPECT_EQ(findAsset("../CMakeLists.txt"), nullptr);
  EXPECT_EQ(findAsset("js/../index.html"), nullptr);
  EXPECT_EQ(findAsset("INDEX.HTML"), nullptr);
  EXPECT_EQ(findAsset("index.html/"), nullptr);
  EXPECT_EQ(findAsset(std::string_view("index.html\0x", 12)), nullptr);
}
