#include <doctest/doctest.h>

#include <cstdint>

#include "base/text.hpp"

using namespace sne;

TEST_CASE("text: trimming and ASCII case") {
  CHECK(text::trim("  a b \t\n") == "a b");
  CHECK(text::trim("   ").empty());
  CHECK(text::ascii_upper("pwp01é") == "PWP01é");
  CHECK(text::iequals("AJO", "ajo"));
  CHECK_FALSE(text::iequals("AJO", "ajout"));
}

TEST_CASE("text: UTF-8 validation") {
  CHECK(text::valid_utf8("Schœlcher"));
  CHECK_FALSE(text::valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(text::valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(text::valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(text::valid_utf8("\xE2\x82"));          // truncated
}

TEST_CASE("text: printable makes untrusted text safe for one line") {
  CHECK(printable("ok") == "ok");
  CHECK(printable("a\nb") == "a\\x0Ab");
  CHECK(printable("\xff") == "\\xFF");
  CHECK(printable("éééé", 2) == "éé…");
  CHECK(printable("\x1b[31mred") == "\\x1B[31mred");  // no terminal escape gets through
}

TEST_CASE("text: first character outside printable ASCII") {
  CHECK_FALSE(text::first_non_ascii("abc").has_value());
  auto e = text::first_non_ascii("abé");
  REQUIRE(e.has_value());
  CHECK(e->position == 2);
  CHECK(e->character == "é");
  auto b = text::first_non_ascii("é\xff");
  CHECK(b->position == 0);
}

TEST_CASE("text: format_size picks the unit a person reads") {
  CHECK(format_size(0) == "0 bytes");
  CHECK(format_size(1023) == "1023 bytes");
  CHECK(format_size(1024) == "1 KiB");
  CHECK(format_size(std::uint64_t{300} * 1024) == "300 KiB");
  CHECK(format_size(std::uint64_t{1024} * 1024 - 1) == "1024 KiB");
  CHECK(format_size(std::uint64_t{1024} * 1024) == "1.0 MiB");
  CHECK(format_size(std::uint64_t{20} * 1024 * 1024 + std::uint64_t{200} * 1024) == "20.2 MiB");
}

TEST_CASE("text: csv_record quotes what RFC 4180 needs quoted, and nothing else") {
  CHECK(csv_record({"a", "b c", ""}) == "a,b c,\n");
  CHECK(csv_record({"x,y"}) == "\"x,y\"\n");
  CHECK(csv_record({"dit \"non\""}) == "\"dit \"\"non\"\"\"\n");
  CHECK(csv_record({"ligne 1\nligne 2", "cr\r"}) == "\"ligne 1\nligne 2\",\"cr\r\"\n");
  CHECK(csv_record({" espace", "fin "}) == "\" espace\",\"fin \"\n");
  CHECK(csv_record({"Numérisation en cours"}) == "Numérisation en cours\n");
  CHECK(csv_record({}) == "\n");
}

TEST_CASE("text: escape_html escapes & < > \" ' for text and attributes, drops controls") {
  CHECK(text::escape_html("<a href=\"x\" title='y'>&</a>") ==
        "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  CHECK(text::escape_html("Schœlcher\tl'été\n") == "Schœlcher\tl&#39;été\n");
  CHECK(text::escape_html(std::string("a\0b\rc\x1b\x7f", 7)) == "abc");
  CHECK(text::escape_html("\xC0\xAF/\xE2\x82") == "\uFFFD\uFFFD/\uFFFD\uFFFD");
  CHECK(text::escape_html("&amp;") == "&amp;amp;");  // text, not HTML: escaped again
  CHECK(text::escape_html("").empty());
}
