#include "gatehouse/store/database.hpp"

#include "store/postgres_database.hpp"
#include "store/sqlite_database.hpp"

namespace gatehouse::store {

std::string_view to_string(Engine engine) { return engine == Engine::sqlite ? "sqlite" : "postgresql"; }

Query& Query::bind(int index, std::optional<std::string> const& text) {
  if (text) return bind(index, std::string_view(*text));
  s_.bind_null(index);
  return *this;
}

Query& Query::bind(int index, std::optional<std::int64_t> value) {
  if (value) return bind(index, *value);
  s_.bind_null(index);
  return *this;
}

Query& Query::bind_blob(int index, std::string_view bytes) {
  return bind_blob(index, std::span(reinterpret_cast<unsigned char const*>(bytes.data()), bytes.size()));
}

void Query::run() {
  while (next()) {
  }
}

std::optional<std::string> Query::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<std::int64_t> Query::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

void Database::listen(std::string_view) { throw DbError(false, "notifications need PostgreSQL"); }

bool Database::wait_for_notification(std::chrono::milliseconds) {
  throw DbError(false, "notifications need PostgreSQL");
}

DatabaseLocation DatabaseLocation::parse(std::string_view text) {
  DatabaseLocation location;
  if (text.starts_with("postgresql://") || text.starts_with("postgres://")) {
    location.engine = Engine::postgresql;
    location.uri = std::string(text);
  } else {
    location.file = std::filesystem::path(text);
  }
  return location;
}

std::string DatabaseLocation::describe() const {
  if (engine == Engine::sqlite) return file.string();
  // user:password@ is a credential: never printed.
  auto const scheme = uri.find("://");
  auto const at = uri.find('@', scheme + 3);
  auto const colon = uri.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "****" + uri.substr(at);
}

std::unique_ptr<Database> open_database(DatabaseLocation const& location, DatabaseOptions const& options) {
  if (location.engine == Engine::postgresql) return std::make_unique<PostgresDatabase>(location.uri, options);
  return std::make_unique<SqliteDatabase>(location.file, options);
}

}  // namespace gatehouse::store
