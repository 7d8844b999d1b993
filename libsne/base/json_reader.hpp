// Internal: strict reading of a JSON document against an expected shape, with the JSON path
// of the first fault ("rubriques[2].types[0].max_pieces: expected an integer from 1 to 20").
// Knows nothing of the domain.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/i18n.hpp"
#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::json_reader {

/// Thrown by Node accessors; turned into an Error by parse() before leaving the library.
struct ShapeError {
  std::string path;
  std::string message;
};

/// A value of the document and where it is.
class SNE_INTERNAL_EXPORT Node {
 public:
  Node(const nlohmann::json& value, std::string path) : value_(&value), path_(std::move(path)) {}

  const std::string& path() const noexcept { return path_; }
  const nlohmann::json& raw() const noexcept { return *value_; }

  /// The member `key` of this object; a ShapeError when missing.
  Node at(std::string_view key) const;
  /// The member `key`, or nothing when absent.
  std::optional<Node> find(std::string_view key) const;
  /// A ShapeError naming the first member whose key is not in `allowed`.
  void expect_keys(std::initializer_list<std::string_view> allowed) const;

  /// A string of UTF-8, not empty unless allow_empty.
  std::string string(bool allow_empty = false) const;
  std::int64_t integer(std::int64_t min, std::int64_t max) const;
  bool boolean() const;
  /// The items of an array, at most max_items.
  std::vector<Node> items(std::size_t max_items = 100000) const;

  [[noreturn]] void fail(std::string message) const;

 private:
  void expect_object() const;
  const nlohmann::json* value_;
  std::string path_;
};

/// Parses `text` into `out`: a syntax error becomes invalid_input with "line L, column C".
SNE_INTERNAL_EXPORT Status parse(std::string_view text, nlohmann::json& out);

/// Runs `read` and turns a ShapeError into an invalid_input Error whose subject is the path.
template <class F>
auto read(F&& read) -> Result<decltype(read())> {
  try {
    return read();
  } catch (const ShapeError& e) {
    return Error(
        ErrorCode::invalid_input,
        e.path.empty() ? e.message : i18n::format(N_("{}: {}"), e.path, i18n::Nested{e.message}),
        e.path);
  }
}

}  // namespace sne::json_reader
