// Timestamps as the contract writes them: ISO 8601 in UTC, to the second.
#include <doctest/doctest.h>

#include "sne/timestamp.hpp"

using namespace sne;

TEST_CASE("timestamp: ISO 8601 UTC round trip") {
  auto t = parse_timestamp("2026-11-22T09:30:05Z");
  REQUIRE(t.ok());
  CHECK(format_timestamp(*t) == "2026-11-22T09:30:05Z");
  CHECK(format_timestamp(Timestamp{}) == "1970-01-01T00:00:00Z");
  for (const char* bad : {"2026-11-22", "2026-11-22T09:30:05", "2026-11-22T24:00:00Z",
                          "2026-13-01T00:00:00Z", "2026-11-22 09:30:05Z", "1969-12-31T23:59:59Z",
                          "2026-11-22T09:60:00Z", "2026-11-22T0a:00:00Z", "2999-01-01T00:00:00Z"})
    CHECK_FALSE(parse_timestamp(bad).ok());
}

TEST_CASE("timestamp: every field written with its zeros, before 1970 too") {
  using std::chrono::seconds;
  CHECK(format_timestamp(Timestamp(seconds(-1))) == "1969-12-31T23:59:59Z");
  CHECK(format_timestamp(Timestamp(seconds(951782400))) == "2000-02-29T00:00:00Z");
  CHECK(format_timestamp(Timestamp(seconds(7258118399))) == "2199-12-31T23:59:59Z");
  // Every hour, minute and second of a day, and days over four centuries, read back the same.
  for (std::int64_t s = 0; s < 7258118400; s += s < 86400 ? 1 : 86400 * 7 + 3671) {
    const Timestamp t{seconds(s)};
    auto back = parse_timestamp(format_timestamp(t));
    REQUIRE(back.ok());
    CHECK(*back == t);
  }
}
