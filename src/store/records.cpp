#include "gatehouse/store/records.hpp"

namespace gatehouse::store {

std::string_view to_string(PrincipalKind kind) { return kind == PrincipalKind::user ? "user" : "anonymous"; }

std::string_view to_string(ResearchStatus status) { return status == ResearchStatus::done ? "done" : "running"; }

}  // namespace gatehouse::store
