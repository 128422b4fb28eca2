#pragma once
// The browser example (examples/browser/), embedded at build time (cmake/embed_dev_page.cmake)
// and served under /dev/ when --dev is on.
#include <span>
#include <string_view>

namespace gatehouse::api {

struct DevPageAsset {
  std::string_view name;  // the file name, e.g. "app.js"
  std::string_view content_type;
  std::string_view body;
};

std::span<DevPageAsset const> dev_page_assets();

// The asset of that file name; null when there is none.
DevPageAsset const* find_dev_page_asset(std::string_view name);

}  // namespace gatehouse::api
