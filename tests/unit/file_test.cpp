// base/file: the one rule for a user's input file, which read_all and check_readable share: io
// naming the path when it cannot be opened, invalid_input when it is not a regular file; and
// read_all's bound on the size.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <string>

#include "../support/temp_dir.hpp"
#include "base/file.hpp"

using namespace sne;

TEST_CASE("file: read_all and check_readable open a user's file alike") {
  testing::TempDir dir("file");
  const std::string data = dir.write("a.txt", std::string("ab\0c", 4));

  auto bytes = file::read_all(data, 4);
  REQUIRE(bytes);
  CHECK(*bytes == std::string("ab\0c", 4));
  auto size = file::check_readable(data);
  REQUIRE(size);
  CHECK(*size == 4);

  auto big = file::read_all(data, 3);
  REQUIRE_FALSE(big);
  CHECK(big.error().code() == ErrorCode::invalid_input);
  CHECK(big.error().subject() == data);
  CHECK(big.error().message().find("larger than the 3 allowed") != std::string::npos);

  const std::string missing = dir / "missing.txt";
  const std::string fifo = dir / "fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  struct Case {
    std::string path;
    ErrorCode code;
    const char* words;
  };
  for (const Case& c : {Case{missing, ErrorCode::io, "No such file"},
                        Case{dir.path(), ErrorCode::invalid_input, "not a regular file"},
                        Case{fifo, ErrorCode::invalid_input, "not a regular file"}}) {
    const std::string& path = c.path;
    CAPTURE(path);
    auto read = file::read_all(path, 1 << 20);
    auto checked = file::check_readable(path);
    REQUIRE_FALSE(read);
    REQUIRE_FALSE(checked);
    CHECK(read.error().code() == c.code);
    CHECK(checked.error().code() == c.code);
    CHECK(read.error().message() == checked.error().message());
    CHECK(read.error().message().find(c.words) != std::string::npos);
    CHECK(read.error().subject() == path);
  }
}
