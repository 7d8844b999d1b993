/// @file
/// The one error vocabulary of libsne.
///
/// Every fallible function of the library returns a Result<T> (or Status): a value, or an Error
/// made of a stable ErrorCode, a one-line human message and, where relevant, the subject at fault
/// (a field name, a JSON path, a file) and the HTTP status and request id of a remote call.
/// The library never throws for a failure a user can cause; Result::value() on an error is a
/// programming mistake and throws BadResultAccess.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "sne/export.hpp"

/// Everything of libsne: the domain (numéros, SIRET, dates, jours ouvrés, the plan de
/// classement, fiches), the web services and their clients (Service, Connection, Glpi), and
/// the one error vocabulary (Result, Error). The bulk engine is in sne::bulk.
namespace sne {

/// Stable error codes. Their names (to_string) are part of the JSON output of the CLI; values
/// are never renumbered and new codes are appended at the end.
enum class ErrorCode {
  invalid_input = 1,  ///< malformed or out-of-range input: numéro, SIRET, date, file, config
  not_found,          ///< the thing named does not exist, or is not visible to the caller
  unauthenticated,    ///< credentials missing, wrong or expired
  forbidden,          ///< authenticated, but not allowed to do this
  conflict,           ///< the current state refuses the request (full category, duplicate...)
  rate_limited,       ///< the server asked the caller to slow down (HTTP 429)
  network,            ///< transport failure: unreachable, reset, timed out
  server,             ///< the remote failed (5xx) or answered something unintelligible
  io,                 ///< local file-system failure
  cancelled,          ///< the caller interrupted the operation
  internal,           ///< a defect in libsne; please report it
};

/// The snake_case name of a code ("invalid_input"), stable across versions.
SNE_EXPORT std::string_view to_string(ErrorCode code) noexcept;

/// A failure: what went wrong, in one line, and what it is about.
class SNE_EXPORT Error {
 public:
  /// An error of `code` saying `message` (one line, no trailing period) about `subject`.
  Error(ErrorCode code, std::string message, std::string subject = {});

  /// The stable code: what kind of failure this is, for a program to act on.
  ErrorCode code() const noexcept { return code_; }
  /// One line, no trailing period, never contains a secret.
  const std::string& message() const noexcept { return message_; }
  /// What the error is about: a field ("mois"), a JSON path, a file path; may be empty.
  const std::string& subject() const noexcept { return subject_; }
  /// HTTP status of the remote answer that caused it; 0 when no remote call was involved.
  int http_status() const noexcept { return http_status_; }
  /// Request id given by the remote service, when it gave one.
  const std::string& request_id() const noexcept { return request_id_; }

  /// The remote service's own code for the error, when it gave one: GLPI's
  /// "ERROR_SESSION_TOKEN_INVALID"; empty otherwise.
  const std::string& remote_code() const noexcept { return remote_code_; }
  /// Records the HTTP status and request id of the answer that caused this error.
  Error& with_http(int status, std::string request_id = {});
  /// Records the remote service's code.
  Error& with_remote_code(std::string code);
  /// Prefixes the message with context: "catalog.json: " + message.
  Error& prefixed(std::string_view context);

  /// True when running the same operation again later may succeed: network failures,
  /// rate limiting, and server errors 500, 502, 503 and 504.
  bool retryable() const noexcept;

 private:
  ErrorCode code_;
  std::string message_;
  std::string subject_;
  int http_status_ = 0;
  std::string request_id_;
  std::string remote_code_;
};

/// Thrown by Result::value() and Result::error() when called on the wrong alternative.
class SNE_EXPORT BadResultAccess : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

/// A value of type T, or an Error. Copyable and movable when T is.
template <class T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::decay_t<T>, Error>, "Result<Error> is ambiguous");

 public:
  /// A success holding `value`.
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  /// A failure holding `error`.
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  /// True when the Result holds a value.
  bool ok() const noexcept { return v_.index() == 0; }
  /// ok(): `if (result)` reads as "if it worked".
  explicit operator bool() const noexcept { return ok(); }

  /// The value. Precondition: ok(); throws BadResultAccess otherwise.
  T& value() & { return std::get<0>(checked(true)); }
  /// The value. Precondition: ok(); throws BadResultAccess otherwise.
  const T& value() const& { return std::get<0>(checked(true)); }
  /// The value, moved out of a temporary Result. Precondition: ok().
  T&& value() && { return std::get<0>(std::move(checked(true))); }
  /// The value; precondition: ok().
  T& operator*() & { return value(); }
  /// The value; precondition: ok().
  const T& operator*() const& { return value(); }
  /// A pointer to the value, for `result->member`; precondition: ok().
  T* operator->() { return &value(); }
  /// A pointer to the value, for `result->member`; precondition: ok().
  const T* operator->() const { return &value(); }

  /// The error. Precondition: !ok(); throws BadResultAccess otherwise.
  const Error& error() const { return std::get<1>(checked(false)); }

  /// The value, or `fallback` when the Result holds an error.
  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error>& checked(bool want_value) {
    if (ok() != want_value)
      throw BadResultAccess(want_value ? "Result holds an error" : "Result holds a value");
    return v_;
  }
  const std::variant<T, Error>& checked(bool want_value) const {
    if (ok() != want_value)
      throw BadResultAccess(want_value ? "Result holds an error" : "Result holds a value");
    return v_;
  }
  std::variant<T, Error> v_;
};

/// Success, or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  /// Success.
  Result() = default;
  /// A failure holding `error`.
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  /// True on success.
  bool ok() const noexcept { return ok_; }
  /// ok(): `if (status)` reads as "if it worked".
  explicit operator bool() const noexcept { return ok_; }
  /// The error. Precondition: !ok(); throws BadResultAccess otherwise.
  const Error& error() const {
    if (ok_) throw BadResultAccess("Status holds no error");
    return error_;
  }

 private:
  Error error_{ErrorCode::internal, {}};
  bool ok_ = true;
};

/// The result of a function that returns no value: success, or an Error.
using Status = Result<void>;

}  // namespace sne
