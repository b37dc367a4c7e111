// The web viewer's static files (webviewer/app/), embedded at build time so that the
// plugin serves them without touching the disk. The plugin exposes them under /mcr/app/.
#pragma once

#include <string_view>

namespace mcr::webviewer {

struct Asset {
  std::string_view mime;  // e.g. "text/html; charset=utf-8"
  std::string_view body;  // the file's exact bytes
};

// Looks up an embedded file by its path relative to webviewer/app/ ("js/app.js").
// "" , "/" and "index.html" return the index page; a leading '/' is ignored.
// Returns nullptr for anything not embedded (including any path with "..").
// The returned pointer stays valid for the life of the program.
const Asset* findAsset(std::string_view path);

}  // namespace mcr::webviewer
