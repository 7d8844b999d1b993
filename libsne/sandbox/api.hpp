// Internal: what the sandbox's routes share: the request in flight, the caller, the refusals.
// Routes throw ApiError for every refusal; the handler turns it into the contract's error
// object and rolls the transaction back.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/json_reader.hpp"
#include "http/message.hpp"
#include "sandbox/db.hpp"
#include "sne/account.hpp"
#include "sne/error.hpp"
#include "sne/timestamp.hpp"

namespace sne::sandbox {

using nlohmann::json;

struct ApiError {
  int status;
  ErrorCode code;
  std::string message;
  std::string field;        ///< the member of the body or query at fault, if any
  http::Headers headers{};  ///< added to the answer: Retry-After of a 429
  /// What the refusal must leave behind (a failed sign-in counted, a session seen expired
  /// marked dead): run after the request's transaction is rolled back, in a write transaction
  /// of its own.
  std::function<void(Db&)> remember{};
};

/// The signed-in agent making the request.
struct Caller {
  std::int64_t user_id = 0;
  std::string email;
  Role role = Role::agent;
  std::string guichet;     ///< current guichet
  std::string territoire;  ///< its territory: the demandes the caller may read
};

/// Which callers a route accepts.
enum class Access { anonymous, agent, referent };

struct Call {
  Db& db;
  const http::Request& request;
  Timestamp now;
  std::vector<std::string> params;           ///< the {placeholders} of the route, decoded
  std::map<std::string, std::string> query;  ///< decoded query parameters
  std::optional<Caller> caller;              ///< set for routes of Access agent and referent
  std::string token_sha256;                  ///< of the bearer token, when one was accepted

  const Caller& user() const { return *caller; }
  /// The body as a JSON object; ApiError 400 when it is not one.
  json body() const;
  /// Runs a wire decoder on the body, turning its ShapeError into ApiError 400.
  template <class Decode>
  auto decode(Decode decode_fn) const
      -> decltype(decode_fn(std::declval<const json_reader::Node&>()));
  /// ApiError 400 naming the first query parameter not in `allowed`.
  void expect_query(std::initializer_list<std::string_view> allowed) const;
};

/// An answer: a JSON body (null: 204 No Content) and extra headers.
struct Reply {
  int status = 200;
  json body;
  http::Headers headers;
  std::string text{};  ///< the body already written as JSON (a page of plis), when body is null
};

using RouteFn = Reply (*)(Call&);

struct Route {
  std::string_view method;
  std::string_view pattern;  ///< "/v1/plis/{transaction}"
  Access access;
  RouteFn fn;
};

// The routes, by family (routes_accounts.cpp, routes_demandes.cpp).
const std::vector<Route>& account_routes();
const std::vector<Route>& demande_routes();

[[noreturn]] void refuse(int status, ErrorCode code, std::string message, std::string field = {});
[[noreturn]] inline void not_found(std::string message) {
  refuse(404, ErrorCode::not_found, std::move(message));
}
[[noreturn]] inline void invalid(std::string message, std::string field = {}) {
  refuse(400, ErrorCode::invalid_input, std::move(message), std::move(field));
}

/// ApiError 400 for a body of the wrong shape, naming the member at fault (for a missing
/// member, the member itself rather than its parent).
[[noreturn]] void refuse_shape(const json_reader::ShapeError& e);

/// ApiError 400 when `value` holds a control character.
void check_printable(const std::string& value, const std::string& field);

/// Records an e-mail in the outbox.
void send_mail(Call& call, const std::string& to, const std::string& subject,
               const std::string& body);

/// The account of `user_id` as GET /v1/me shows it.
Me load_me(Db& db, std::int64_t user_id);

std::int64_t seconds(Timestamp t);

template <class Decode>
auto Call::decode(Decode decode_fn) const
    -> decltype(decode_fn(std::declval<const json_reader::Node&>())) {
  const json doc = body();
  try {
    return decode_fn(json_reader::Node(doc, ""));
  } catch (const json_reader::ShapeError& e) {
    refuse_shape(e);
  }
}

}  // namespace sne::sandbox
