// Tests of src/serve/ui_assets: the embedded page files, their lookup by path and their content types.
#include "serve/ui_assets.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace vgsales::serve {
namespace {

TEST(ServeUiAssetsTest, ThePageAndItsBundleAreCompiledIn) {
  std::set<std::string> names;
  for (const EmbeddedFile& file : embedded_ui_files()) {
    names.insert(std::string(file.name));
    EXPECT_FALSE(file.bytes.empty()) << file.name;
  }
  for (const char* name : {"index.html", "app.js", "app.css", "licenses.txt"}) EXPECT_TRUE(names.count(name)) << name;
  // The bundled libraries' licenses travel with them.
  const auto licenses = find_ui_asset("/ui/licenses.txt");
  ASSERT_TRUE(licenses.has_value());
  EXPECT_NE(licenses->body.find("uplot"), std::string_view::npos);
  EXPECT_NE(licenses->body.find("papaparse"), std::string_view::npos);
  EXPECT_NE(licenses->body.find("Permission is hereby granted"), std::string_view::npos);
}

TEST(ServeUiAssetsTest, TheRootIsThePage) {
  const auto page = find_ui_asset("/");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(page->body, find_ui_asset("/ui/index.html")->body);
  // No inline script: the Content-Security-Policy would block it.
  EXPECT_EQ(page->body.find("<script>"), std::string_view::npos);
  EXPECT_NE(page->body.find("<script src=\"/ui/app.js\""), std::string_view::npos);
}

TEST(ServeUiAssetsTest, OnlyBuiltFilesAreFound) {
  EXPECT_TRUE(find_ui_asset("/ui/app.js").has_value());
  for (const char* path : {"", "/ui", "/ui/", "/ui/missing.js", "/ui/../ui/app.js", "/ui//app.js", "/app.js",
                           "/ui/app.js?x=1", "/v1/models/m"}) {
    EXPECT_FALSE(find_ui_asset(path).has_value()) << path;
  }
}

TEST(ServeUiAssetsTest, PathsThePageOwns) {
  EXPECT_TRUE(is_ui_path("/"));
  EXPECT_TRUE(is_ui_path("/ui/app.js"));
  EXPECT_TRUE(is_ui_path("/ui/"));
  EXPECT_FALSE(is_ui_path("/ui"));
  EXPECT_FALSE(is_ui_path("/v1/models/m"));
  EXPECT_FALSE(is_ui_path("/metrics"));
  EXPECT_FALSE(is_ui_path(""));
}

TEST(ServeUiAssetsTest, ContentTypesByExtension) {
  EXPECT_EQ(ui_content_type("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ui_content_type("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ui_content_type("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ui_content_type("config.json"), "application/json");
  EXPECT_EQ(ui_content_type("favicon.svg"), "image/svg+xml");
  EXPECT_EQ(ui_content_type("licenses.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ui_content_type("archive.tar"), "application/octet-stream");
  EXPECT_EQ(ui_content_type(".js"), "application/octet-stream");  // a bare extension is no name
}

TEST(ServeUiAssetsTest, HeadersKeepThePageToItsOwnOrigin) {
  std::set<std::string> names;
  for (const auto& [name, value] : ui_response_headers()) names.insert(name);
  EXPECT_TRUE(names.count("Content-Security-Policy"));
  EXPECT_TRUE(names.count("X-Content-Type-Options"));
  const std::string policy(kUiContentSecurityPolicy);
  for (const char* directive : {"default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'",
                                "frame-ancestors 'none'"}) {
    EXPECT_NE(policy.find(directive), std::string::npos) << directive;
  }
  EXPECT_EQ(policy.find('*'), std::string::npos);
}

}  // namespace
}  // namespace vgsales::serve
