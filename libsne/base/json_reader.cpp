#include "base/json_reader.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/text.hpp"

namespace sne::json_reader {

namespace {

/// What a value is, as a message says it ("found an array"): a text of libsne, given to
/// i18n::format through i18n::Nested.
std::string type_name(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    // TRANSLATORS: what a JSON value is, in "expected a string, found {}".
    case nlohmann::json::value_t::object: return i18n::format(N_("an object"));
    case nlohmann::json::value_t::array: return i18n::format(N_("an array"));
    case nlohmann::json::value_t::string: return i18n::format(N_("a string"));
    case nlohmann::json::value_t::boolean: return i18n::format(N_("a boolean"));
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return i18n::format(N_("an integer"));
    case nlohmann::json::value_t::number_float: return i18n::format(N_("a number"));
    default: return i18n::format(N_("something else"));
  }
}

/// "expected ..., found <type>".
i18n::Nested found(const std::string& type) { return i18n::Nested{type}; }

std::string member_path(const std::string& base, std::string_view key) {
  return base.empty() ? std::string(key) : base + "." + std::string(key);
}

}  // namespace

void Node::fail(std::string message) const { throw ShapeError{path_, std::move(message)}; }

void Node::expect_object() const {
  if (!value_->is_object())
    fail(i18n::format(N_("expected an object, found {}"), found(type_name(*value_))));
}

Node Node::at(std::string_view key) const {
  expect_object();
  auto it = value_->find(key);
  if (it == value_->end()) fail(i18n::format(N_("missing key '{}'"), key));
  return Node(*it, member_path(path_, key));
}

std::optional<Node> Node::find(std::string_view key) const {
  expect_object();
  auto it = value_->find(key);
  if (it == value_->end()) return std::nullopt;
  return Node(*it, member_path(path_, key));
}

void Node::expect_keys(std::initializer_list<std::string_view> allowed) const {
  expect_object();
  for (const auto& item : value_->items()) {
    bool known = false;
    for (auto a : allowed) known = known || a == item.key();
    if (!known)
      throw ShapeError{member_path(path_, printable(item.key())),
                       i18n::format(N_("unknown key (misspelt, or from a newer schema?)"))};
  }
}

std::string Node::string(bool allow_empty) const {
  if (!value_->is_string())
    fail(i18n::format(N_("expected a string, found {}"), found(type_name(*value_))));
  const auto& s = value_->get_ref<const std::string&>();
  if (s.empty() && !allow_empty) fail(i18n::format(N_("expected a non-empty string")));
  return s;
}

std::int64_t Node::integer(std::int64_t min, std::int64_t max) const {
  std::int64_t v = 0;
  if (value_->is_number_integer() && !value_->is_number_unsigned()) {
    v = value_->get<std::int64_t>();
  } else if (value_->is_number_unsigned() &&
             value_->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
    v = static_cast<std::int64_t>(value_->get<std::uint64_t>());
  } else {
    fail(i18n::format(N_("expected an integer from {} to {}, found {}"), min, max,
                      found(type_name(*value_))));
  }
  if (v < min || v > max)
    fail(i18n::format(N_("expected an integer from {} to {}, found {}"), min, max, v));
  return v;
}

bool Node::boolean() const {
  if (!value_->is_boolean())
    fail(i18n::format(N_("expected true or false, found {}"), found(type_name(*value_))));
  return value_->get<bool>();
}

std::vector<Node> Node::items(std::size_t max_items) const {
  if (!value_->is_array())
    fail(i18n::format(N_("expected an array, found {}"), found(type_name(*value_))));
  if (value_->size() > max_items) fail(i18n::format(N_("more than {} items"), max_items));
  std::vector<Node> out;
  out.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i)
    out.emplace_back((*value_)[i], fmt::format("{}[{}]", path_, i));
  return out;
}

namespace {

/// Thrown by the parser callback on a repeated key.
struct DuplicateKey {
  std::string key;
};

/// Line and column (1-based) of a byte offset, for people editing the file.
std::string position(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return i18n::format(N_("line {}, column {}"), line, column);
}

}  // namespace

Status parse(std::string_view text, nlohmann::json& out) {
  // The keys seen in each object being parsed, innermost last: a repeated key is an error, not
  // a silent "last one wins". They are kept end to end in one buffer (each key's end in `ends`,
  // each open object's first key in `firsts`), so that a page of 500 plis, 4,000 keys, costs
  // no allocation per key.
  std::string keys;
  std::vector<std::size_t> ends;    // keys[ends[i-1] .. ends[i]) is key i
  std::vector<std::size_t> firsts;  // index in `ends` of each open object's first key
  const nlohmann::json::parser_callback_t refuse_duplicates =
      [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using E = nlohmann::json::parse_event_t;
        if (event == E::object_start) {
          firsts.push_back(ends.size());
        } else if (event == E::object_end) {
          if (firsts.empty()) return true;
          ends.resize(firsts.back());
          keys.resize(ends.empty() ? 0 : ends.back());
          firsts.pop_back();
        } else if (event == E::key && !firsts.empty()) {
          const auto& key = parsed.get_ref<const std::string&>();
          for (std::size_t i = firsts.back(); i < ends.size(); ++i) {
            const std::size_t begin = i == 0 ? 0 : ends[i - 1];
            if (std::string_view(keys).substr(begin, ends[i] - begin) == key)
              throw DuplicateKey{key};
          }
          keys += key;
          ends.push_back(keys.size());
        }
        return true;
      };
  try {
    out = nlohmann::json::parse(text.begin(), text.end(), refuse_duplicates);
    return {};
  } catch (const DuplicateKey& e) {
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("key '{}' appears twice in one object"), printable(e.key)),
                 "json");
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 2:
    // syntax error while parsing value - invalid literal; last read: 'x'". Keep the reason.
    if (auto pos = what.find("syntax error"); pos != std::string::npos)
      what = what.substr(pos);
    else if (auto colon = what.rfind(": "); colon != std::string::npos)
      what = what.substr(colon + 2);
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("{}: invalid JSON ({})"),
                              i18n::Nested{position(text, e.byte == 0 ? 0 : e.byte - 1)},
                              printable(what, 120)),
                 "json");
  } catch (const nlohmann::json::exception& e) {
    // Anything else the parser refuses, such as a number too large for a double (406).
    std::string what = e.what();
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("invalid JSON ({})"), printable(what, 120)), "json");
  }
}

}  // namespace sne::json_reader
