// Lookup of the embedded page files by request path, and the headers they are served with.
#include "serve/ui_assets.h"

namespace vgsales::serve {

bool is_ui_path(std::string_view path) {
  return path == kUiPagePath || path.substr(0, kUiAssetPrefix.size()) == kUiAssetPrefix;
}

std::string_view ui_content_type(std::string_view file_name) {
  struct Type {
    std::string_view extension;
    std::string_view content_type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},  // RFC 9239
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
  };
  for (const Type& type : kTypes) {
    if (file_name.size() > type.extension.size() &&
        file_name.substr(file_name.size() - type.extension.size()) == type.extension) {
      return type.content_type;
    }
  }
  return "application/octet-stream";
}

std::optional<UiAsset> find_ui_asset(std::string_view path) {
  std::string_view name;
  if (path == kUiPagePath) {
    name = "index.html";
  } else if (path.substr(0, kUiAssetPrefix.size()) == kUiAssetPrefix) {
    name = path.substr(kUiAssetPrefix.size());
  } else {
    return std::nullopt;
  }
  // Names are compared whole against the built files, so "../x" or "a/b" can only miss.
  for (const EmbeddedFile& file : embedded_ui_files()) {
    if (file.name == name) return UiAsset{file.bytes, ui_content_type(file.name)};
  }
  return std::nullopt;
}

const std::vector<std::pair<std::string, std::string>>& ui_response_headers() {
  static const std::vector<std::pair<std::string, std::string>> headers{
      {"Content-Security-Policy", std::string(kUiContentSecurityPolicy)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      // The file names carry no hash: ask the browser to revalidate, so a new binary's page is picked up at once.
      {"Cache-Control", "no-cache"},
  };
  return headers;
}

}  // namespace vgsales::serve
