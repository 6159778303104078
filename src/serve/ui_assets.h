// The web page `vgsales serve` answers GET / with, and its assets under /ui/: the files web/ builds
// (scripts/build-web.sh), compiled into the binary by cmake/embed_files.cmake, so nothing extra is deployed.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vgsales::serve {

// One built file as the binary holds it; the generated ui_assets_data.cpp defines the list.
struct EmbeddedFile {
  std::string_view name;  // "index.html", "app.js", ...
  std::string_view bytes;
};
std::span<const EmbeddedFile> embedded_ui_files();

struct UiAsset {
  std::string_view body;
  std::string_view content_type;
};

inline constexpr std::string_view kUiPagePath = "/";
inline constexpr std::string_view kUiAssetPrefix = "/ui/";
// Not a file: the server writes it, so the page learns which model to ask for (`{"model_name": NAME}`).
inline constexpr std::string_view kUiConfigPath = "/ui/config.json";

// True for the paths the page owns: "/" and everything under "/ui/".
bool is_ui_path(std::string_view path);

// "/" is the page (index.html), "/ui/<name>" one of the other files; anything else, or a name that is not a
// built file, is nullopt.
std::optional<UiAsset> find_ui_asset(std::string_view path);

// The Content-Type for a file name, by its extension (application/octet-stream when unknown).
std::string_view ui_content_type(std::string_view file_name);

// Sent with the page and every asset: the page runs only its own script file and talks only to its own origin.
inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const std::vector<std::pair<std::string, std::string>>& ui_response_headers();

}  // namespace vgsales::serve
