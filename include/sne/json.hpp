/// @file
/// A small JSON value to build documents and write them out.
///
/// Used for the machine-readable output of the sne program and available to integrators who
/// want the same shapes. Objects keep their members in insertion order. Writing only: libsne
/// reads JSON with a hardened parser internally.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "sne/export.hpp"

namespace sne {

/// A JSON value (null, boolean, integer, number, string, array or object) to build a document
/// and write it with dump(). Objects keep their members in insertion order; copies are deep.
class SNE_EXPORT Json {
 public:
  /// The items of an array.
  using Array = std::vector<Json>;
  /// The members of an object, in insertion order.
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;        ///< null
  Json(std::nullptr_t) {}  // NOLINT: implicit by design, as for every constructor below
  Json(bool b) : v_(b) {}  // NOLINT
  /// An integer (any integral type but bool and char), kept exactly: signed as a 64-bit signed
  /// integer, unsigned as a 64-bit unsigned one.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool> &&
                                          !std::is_same_v<I, char>,
                                      int> = 0>
  Json(I i) {  // NOLINT
    if constexpr (std::is_unsigned_v<I>)
      v_ = static_cast<std::uint64_t>(i);
    else
      v_ = static_cast<std::int64_t>(i);
  }
  Json(double d) : v_(d) {}                         // NOLINT
  Json(const char* s) : v_(std::string(s)) {}       // NOLINT
  Json(std::string s) : v_(std::move(s)) {}         // NOLINT
  Json(std::string_view s) : v_(std::string(s)) {}  // NOLINT

  /// An empty array, to push() into.
  static Json array() { return Json(Array{}); }
  /// An empty object, to set() members of.
  static Json object() { return Json(Object{}); }

  /// True for null (a default-constructed Json).
  bool is_null() const noexcept { return v_.index() == 0; }
  /// True for an array.
  bool is_array() const noexcept { return std::holds_alternative<Array>(v_); }
  /// True for an object.
  bool is_object() const noexcept { return std::holds_alternative<Object>(v_); }

  /// Appends to an array (a null value becomes an empty array first). Returns *this.
  Json& push(Json value);
  /// Sets a member of an object (a null value becomes an empty object first), replacing a
  /// member of the same key in place. Returns *this.
  Json& set(std::string_view key, Json value);
  /// The members of an object; empty for any other value.
  const Object& members() const noexcept;
  /// Number of items of an array or members of an object; 0 otherwise.
  std::size_t size() const noexcept;

  /// The document as text: indented by `indent` spaces, or on one line when indent < 0.
  /// Strings are written as UTF-8; control characters are escaped and invalid UTF-8 bytes
  /// become U+FFFD, so the output is always valid JSON. Non-finite numbers become null.
  std::string dump(int indent = 2) const;

 private:
  explicit Json(Array a) : v_(std::move(a)) {}
  explicit Json(Object o) : v_(std::move(o)) {}
  void write(std::string& out, int indent, int depth) const;
  std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array,
               Object>
      v_;
};

/// @fn sne::Json::Json(std::nullptr_t)
/// null.
/// @fn sne::Json::Json(bool b)
/// true or false.
/// @fn sne::Json::Json(double d)
/// A number; non-finite values are written as null.
/// @fn sne::Json::Json(const char* s)
/// A string (`s` is UTF-8 and must not be null).
/// @fn sne::Json::Json(std::string s)
/// A string (UTF-8; invalid bytes are written as U+FFFD).
/// @fn sne::Json::Json(std::string_view s)
/// A string (UTF-8; invalid bytes are written as U+FFFD).

}  // namespace sne
