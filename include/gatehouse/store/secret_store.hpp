#pragma once
#include "gatehouse/store/records.hpp"
#include "gatehouse/store/transaction.hpp"

#include <functional>
#include <vector>

namespace gatehouse::store {

// Seals a plaintext for the row it will be stored in (the row id is the associated data).
using Sealer = std::function<std::string(std::string const& row_id)>;

// Creates or replaces the owner's secret `name`. The store sees only the sealed bytes.
void put_secret(Tx& tx, std::string const& owner_id, std::string const& name, Sealer const& seal, UnixSeconds now);

// False when the owner has no secret by that name.
bool delete_secret(Tx& tx, std::string const& owner_id, std::string const& name);

std::vector<SecretStatus> list_secrets(Tx& tx, std::string const& owner_id);

}  // namespace gatehouse::store
