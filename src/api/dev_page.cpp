#include "gatehouse/api/dev_page.hpp"

namespace gatehouse::api {

DevPageAsset const* find_dev_page_asset(std::string_view name) {
  for (auto const& asset : dev_page_assets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace gatehouse::api
