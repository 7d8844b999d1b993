#include <doctest/doctest.h>

#include <string>

#include "base/plugin.hpp"
#include "fiche/pdf_backend.hpp"
#include "http/curl_transport.hpp"
#include "inspect/inspectors.hpp"

using namespace sne;

TEST_CASE("a plugin that cannot be loaded is an io error naming its file, the same each time") {
  const std::string path = plugin::path_of("no-such-plugin");
  CHECK(path.find("/libsne-") != std::string::npos);
  const std::string file = "/no-such-plugin.so";
  REQUIRE(path.size() > file.size());
  CHECK(path.compare(path.size() - file.size(), file.size(), file) == 0);
  auto first = plugin::load("no-such-plugin", "the test's plugin");
  REQUIRE_FALSE(first);
  CHECK(first.error().code() == ErrorCode::io);
  CHECK(first.error().subject() == path);
  CHECK(first.error().message().rfind("the test's plugin cannot be loaded: " + path + ": ", 0) ==
        0);
  CHECK(first.error().message().find("reinstall libsne") != std::string::npos);
  auto again = plugin::load("no-such-plugin", "the test's plugin");
  REQUIRE_FALSE(again);
  CHECK(again.error().message() == first.error().message());
}

TEST_CASE("a slot gives what was provided, else the error of loading its plugin") {
  static plugin::Slot<int> slot{"no-such-plugin", "the test's plugin"};
  CHECK(slot.provided() == nullptr);
  auto missing = slot.get();
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == ErrorCode::io);
  CHECK(missing.error().message().rfind("the test's plugin cannot be loaded: ", 0) == 0);
  static const int table = 7;
  slot.provide(table);
  CHECK(slot.provided() == &table);
  auto found = slot.get();
  REQUIRE(found);
  CHECK(**found == 7);
}

TEST_CASE("a program that links the plugins' objects has them before main, nothing loaded") {
  // This test program links them as it links libsne's objects: each registered itself.
  CHECK(inspect::load_pdf_parser());
  inspect::Parsed parsed;
  inspect::parse_pdf("not a PDF", parsed);
  REQUIRE(parsed.problems.size() == 1);
  CHECK(parsed.problems[0].code == "pdf_invalid");
  http::CurlOptions options;
  options.base_url = "http://127.0.0.1:9";
  CHECK(http::make_curl_transport(options));
  Fiche fiche;
  fiche.numero_unique = "0340523004101G3401";
  fiche.contexte = Contexte::ajout;
  fiche.guichet = "G3401";
  fiche.siret = "73282932000074";
  fiche.territoire = "034";
  fiche.date_generation = *Date::from_ymd(2024, 1, 15);
  auto pdf = render_fiche_pdf(fiche);
  REQUIRE(pdf);
  CHECK(pdf->rfind("%PDF-", 0) == 0);
}
