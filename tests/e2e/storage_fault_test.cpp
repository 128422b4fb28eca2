// When the database cannot be written (disk full, a file-size limit, a read-only file system):
// writes answer 503 with a clear detail and write nothing half-way, reads and in-memory checks
// keep working, and the server recovers by itself when writing works again. The fault is a
// file-size limit of one byte set on the running server (writes fail with EFBIG, as on a full
// disk), which needs no privileges or special file system.
#include "expectations.hpp"
#include "support/gatehouse_fixture.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace gatehouse::testing {

namespace {

// The soft limit only: lowering the hard one could not be undone without privileges.
void limit_file_size(pid_t pid, std::optional<rlim_t> bytes) {
  rlimit limit{};
  ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, nullptr, &limit), 0) << std::strerror(errno);
  limit.rlim_cur = bytes.value_or(limit.rlim_max);
  ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr), 0) << std::strerror(errno);
}

}  // namespace

class StorageFault : public GatehouseTest {};

TEST_F(StorageFault, WritesAnswer503ReadsKeepWorkingAndTheServerRecovers) {
  start();
  std::string const token = anonymous_session("storage-device");
  auto const created = post(port(), "/research", R"({"title":"before"})", token);
  ASSERT_EQ(created.status, 201);
  std::string const research(created.json().at("id").as_string());

  limit_file_size(server().pid(), 1);
  for (auto const& res : {post(port(), "/auth/anonymous", R"({"device_id":"storage-other"})"),
                          post(port(), "/research", R"({"title":"during"})", token),
                          post(port(), "/research/" + research + "/events", R"({"event":"e","data":1})", token)}) {
    EXPECT_EQ(res.status, 503) << res.body;
    EXPECT_EQ(res.detail(), "Database unavailable; retry later");
    EXPECT_EQ(res.header("Retry-After"), "1");
  }
  // Reads and the in-memory session check are unaffected.
  EXPECT_EQ(get(port(), "/auth/whoami", token).status, 200);
  auto const listed = get(port(), "/research", token);
  EXPECT_EQ(listed.status, 200);
  EXPECT_EQ(get(port(), "/research/" + research, token).status, 200);
  EXPECT_EQ(get(port(), "/health").status, 200);

  limit_file_size(server().pid(), std::nullopt);
  auto const after = post(port(), "/research/" + research + "/events", R"({"event":"e","data":1})", token);
  EXPECT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(after.json().at("seq"), 1);  // the refused post left no trace
  EXPECT_EQ(post(port(), "/auth/anonymous", R"({"device_id":"storage-other"})").status, 200);
  stop_server();
  EXPECT_EQ(db_int("SELECT count(*) FROM research WHERE title = 'during'"), 0);
  EXPECT_EQ(db_text("PRAGMA integrity_check"), "ok");
}

}  // namespace gatehouse::testing
