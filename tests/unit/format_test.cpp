#include <doctest/doctest.h>

#include "sne/format.hpp"

using namespace sne;

TEST_CASE("format: names read in any case, jpg for jpeg, spaces around ignored") {
  CHECK(parse_format("pdf").value() == Format::pdf);
  CHECK(parse_format(" PDF ").value() == Format::pdf);
  CHECK(parse_format("Jpeg").value() == Format::jpeg);
  CHECK(parse_format("jpg").value() == Format::jpeg);
  CHECK(parse_format("png").value() == Format::png);
  for (Format f : {Format::pdf, Format::jpeg, Format::png})
    CHECK(parse_format(to_string(f)).value() == f);
}

TEST_CASE("format: an unknown name is invalid input naming the choices") {
  for (const char* bad : {"tiff", "", "pdf2", "p df"}) {
    auto r = parse_format(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code() == ErrorCode::invalid_input);
    CHECK(r.error().subject() == "format");
  }
  CHECK(parse_format("tiff").error().message() ==
        "unknown format 'tiff' (expected pdf, jpeg, png)");
}
