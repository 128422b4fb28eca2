#include "gatehouse/store/engine_copy.hpp"

#include "gatehouse/store/database.hpp"
#include "gatehouse/store/migrations.hpp"

#include <utility>

namespace gatehouse::store {

namespace {

struct TableCopy {
  char const* name;
  char const* order;  // the source's order, which PostgreSQL's identity columns then keep
};

// Parents before children (foreign keys).
constexpr TableCopy tables[] = {
    {"principals", "rowid"},   {"sessions", "rowid"}, {"device_bindings", "rowid"},     {"research", "rowid"},
    {"research_events", "research_id, seq"},          {"secrets", "rowid"},           {"api_keys", "rowid"},
    {"refresh_families", "rowid"},                    {"refresh_tokens", "rowid"},
};

struct Column {
  std::string name;
  std::string type;  // PostgreSQL's data_type: bigint, integer, text, bytea
};

std::vector<Column> target_columns(Database& to, std::string const& table) {
  auto q = to.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
      "AND table_name = ?1 AND is_identity = 'NO' ORDER BY ordinal_position");
  q.bind(1, table);
  std::vector<Column> out;
  while (q.next()) out.push_back(Column{q.text(0), q.text(1)});
  return out;
}

std::int64_t count(Database& db, std::string const& table) {
  auto q = db.query("SELECT count(*) FROM " + table);
  return q.next() ? q.int64(0) : 0;
}

}  // namespace

std::vector<CopiedTable> copy_sqlite_to_postgres(std::filesystem::path const& from, std::string const& to_uri) {
  if (!std::filesystem::exists(from)) throw CopyRefused("no SQLite database at " + from.string());
  auto source = open_database(DatabaseLocation(from), DatabaseOptions{});
  int const latest = embedded_migrations(Engine::sqlite).back().version;
  if (int const version = source->schema_version(); version != latest) {
    throw CopyRefused("the SQLite database is at schema version " + std::to_string(version) + ", this gatehouse at " +
                      std::to_string(latest) + ": start this gatehouse on it once first");
  }
  auto target = open_database(DatabaseLocation::parse(to_uri), DatabaseOptions{});
  apply_migrations(*target);
  if (count(*target, "principals") > 0) {
    throw CopyRefused("the PostgreSQL database already holds principals: migrate into an empty database");
  }

  std::vector<CopiedTable> copied;
  source->begin(false);
  target->begin(true);
  try {
    for (auto const& table : tables) {
      auto const columns = target_columns(*target, table.name);
      std::string names;
      std::string placeholders;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        names += (i ? ", " : "") + columns[i].name;
        placeholders += (i ? ", ?" : "?") + std::to_string(i + 1);
      }
      std::string const insert = std::string("INSERT INTO ") + table.name + " (" + names + ") VALUES (" + placeholders + ")";
      auto rows = source->query(std::string("SELECT ") + names + " FROM " + table.name + " ORDER BY " + table.order);
      std::int64_t n = 0;
      while (rows.next()) {
        auto q = target->query(insert);
        for (std::size_t i = 0; i < columns.size(); ++i) {
          int const col = static_cast<int>(i);
          int const param = col + 1;
          if (rows.is_null(col)) {
            q.bind(param, std::optional<std::string>());
          } else if (columns[i].type == "bigint" || columns[i].type == "integer") {
            q.bind(param, rows.int64(col));
          } else if (columns[i].type == "bytea") {
            q.bind_blob(param, rows.blob(col));
          } else {
            q.bind(param, rows.text(col));
          }
        }
        q.run();
        ++n;
      }
      copied.push_back(CopiedTable{table.name, n});
    }
    target->exec("COMMIT");
  } catch (...) {
    try {
      target->exec("ROLLBACK");
    } catch (...) {
    }
    throw;
  }
  source->exec("COMMIT");
  return copied;
}

}  // namespace gatehouse::store
