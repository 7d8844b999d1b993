#include <doctest/doctest.h>

#include <libintl.h>

#include <clocale>
#include <cstdlib>
#include <string>

#include "../support/french.hpp"
#include "base/i18n.hpp"
#include "sne/error.hpp"
#include "sne/messages.hpp"

using namespace sne;
using sne::testing::French;

TEST_CASE("in the C locale, libsne's messages are English and nothing is remembered") {
  CHECK(message_language() == "en");
  const std::string text = i18n::format("sne: error: {}", "boom");
  CHECK(text == "sne: error: boom");
  CHECK(localized(text) == text);
  CHECK(std::string(translate("hint: {}")) == "hint: {}");
}

TEST_CASE("a message is returned in English and read in French through localized()") {
  French french;
  CHECK(message_language() == "fr");
  const std::string text = i18n::format("sne: error: {}", "boom");
  CHECK(text == "sne: error: boom");
  CHECK(localized(text) == "sne : erreur : boom");
  CHECK(localized("a text libsne never made") == "a text libsne never made");

  SUBCASE("a message inside another is given in its own translation") {
    const std::string inner = i18n::format("hint: {}", "check it");
    const std::string outer = i18n::format("sne: error: {}", i18n::Nested{inner});
    CHECK(outer == "sne: error: hint: check it");
    CHECK(localized(outer) == "sne : erreur : conseil : check it");
  }
  SUBCASE("an error's context prefix keeps the translation") {
    Error e(ErrorCode::io, i18n::format("hint: {}", "x"), "f");
    e.prefixed("catalog.json");
    CHECK(e.message() == "catalog.json: hint: x");
    CHECK(localized(e.message()) == "catalog.json: conseil : x");
  }
  SUBCASE("a program's own text, remembered") {
    remember_localized("Saved.", "Enregistré.");
    CHECK(localized("Saved.") == "Enregistré.");
  }
}
