#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include <nlohmann/json.hpp>

#include "base/json_reader.hpp"
#include "sne/json.hpp"

using namespace sne;

TEST_CASE("json: scalars") {
  CHECK(Json().dump() == "null");
  CHECK(Json(true).dump() == "true");
  CHECK(Json(-42).dump() == "-42");
  CHECK(Json(std::uint64_t{1} << 40).dump() == "1099511627776");
  CHECK(Json(std::numeric_limits<std::uint64_t>::max()).dump() == "18446744073709551615");
  CHECK(Json(std::numeric_limits<std::int64_t>::min()).dump() == "-9223372036854775808");
  CHECK(Json(0.5).dump() == "0.5");
  CHECK(Json(std::nan("")).dump() == "null");
  CHECK(Json("août").dump() == "\"août\"");
}

TEST_CASE("json: strings are escaped and always valid UTF-8") {
  CHECK(Json("a\"b\\c\n\t\x01").dump() == R"("a\"b\\c\n\t\u0001")");
  CHECK(Json(std::string("x\xff"
                         "y"))
            .dump() == "\"x\xEF\xBF\xBDy\"");
  CHECK(Json(std::string("\xC3")).dump() == "\"\xEF\xBF\xBD\"");  // truncated sequence
  CHECK(Json(std::string("\xED\xA0\x80")).dump().find("\xED") == std::string::npos);  // surrogate
}

TEST_CASE("json: objects keep insertion order and replace keys in place") {
  Json o = Json::object();
  o.set("b", 1).set("a", "x").set("b", 2);
  CHECK(o.dump(-1) == R"({"b":2,"a":"x"})");
  CHECK(o.size() == 2);
}

TEST_CASE("json: arrays, nesting and indentation") {
  Json a = Json::array();
  CHECK(a.dump() == "[]");
  a.push(1).push(Json::object().set("k", Json::array()));
  CHECK(a.dump(-1) == R"([1,{"k":[]}])");
  CHECK(a.dump(2) == "[\n  1,\n  {\n    \"k\": []\n  }\n]");
  Json n;
  n.push("first");
  CHECK(n.is_array());
}

TEST_CASE("json_reader::parse: a key twice in one object is refused, at any depth, only there") {
  nlohmann::json doc;
  // The same key in sibling objects, in an object and the one inside it, in an array of
  // objects: all allowed.
  CHECK(json_reader::parse(
      R"({"a":{"a":1,"b":{"a":2}},"b":[{"a":1,"b":2},{"a":3,"b":4}],"c":{"a":{}},"d":1})", doc));
  CHECK(doc["b"][1]["b"] == 4);
  const auto twice = [&](const char* text) {
    auto parsed = json_reader::parse(text, doc);
    REQUIRE_FALSE(parsed);
    return parsed.error().message();
  };
  CHECK(twice(R"({"a":1,"a":2})") == "key 'a' appears twice in one object");
  // Once the inner object is closed, its keys are forgotten, the outer one's kept.
  CHECK(twice(R"({"date_transmission":{"x":1,"y":{}},"b":2,"date_transmission":3})") ==
        "key 'date_transmission' appears twice in one object");
  CHECK(twice(R"([{"k":1},{"k":1,"j":{"k":2},"k":3}])") == "key 'k' appears twice in one object");
  CHECK(twice(R"({"a":{"b":{"c":1,"c":1}}})") == "key 'c' appears twice in one object");
}
