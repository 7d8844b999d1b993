#include "sandbox/handler.hpp"

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sandbox/api.hpp"
#include "sandbox/glpi.hpp"
#include "sandbox/numeriseur.hpp"
#include "sandbox/store.hpp"
#include "sne/text.hpp"

namespace sne::sandbox {

namespace {

struct Match {
  const Route* route = nullptr;
  std::vector<std::string> params;
  std::vector<std::string_view> allowed_methods;  ///< when the path matched another method
};

const std::vector<const Route*>& all_routes() {
  static const std::vector<const Route*> routes = [] {
    std::vector<const Route*> out;
    for (const auto* family : {&account_routes(), &demande_routes()})
      for (const Route& r : *family) out.push_back(&r);
    return out;
  }();
  return routes;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return out;
}

Match match(std::string_view method, std::string_view path) {
  Match m;
  const auto segments = split_path(path);
  for (const Route* route : all_routes()) {
    const auto pattern = split_path(route->pattern);
    if (pattern.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t i = 0; ok && i < pattern.size(); ++i) {
      if (pattern[i].front() == '{') {
        auto decoded = http::percent_decode(segments[i]);
        ok = decoded && !decoded->empty();
        if (ok) params.push_back(std::move(*decoded));
      } else {
        ok = pattern[i] == segments[i];
      }
    }
    if (!ok) continue;
    if (route->method != method) {
      m.allowed_methods.push_back(route->method);
      continue;
    }
    m.route = route;
    m.params = std::move(params);
    return m;
  }
  return m;
}

/// A body is read as its route reads it: a piece's raw bytes for an upload, JSON for every
/// other route; a body with no type is read so. A type that no route reads (a form, a text) is
/// refused (415) before anything else is looked at, authentication included: it is not JSON,
/// whatever it holds. A type that another route reads is refused once the caller is known.
void check_media_type(const http::Request& request, const Route& route, bool authenticated) {
  if (request.body.empty()) return;
  const auto type = http::header(request.headers, "Content-Type");
  if (!type) return;
  std::string_view media = std::string_view(*type).substr(0, type->find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  const bool json = http::iequals(media, "application/json");
  const bool raw = http::iequals(media, "application/octet-stream");
  const bool upload = route.pattern == "/v1/uploads";
  if ((upload && raw) || (!upload && json)) return;
  if (authenticated || (!json && !raw))
    refuse(
        415, ErrorCode::invalid_input,
        fmt::format("a body of type '{}' is not read here: send {}", printable(media),
                    upload ? "the piece as application/octet-stream" : "JSON (application/json)"));
}

std::map<std::string, std::string> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  for (const auto& pair : http::split_query(query)) {
    auto key = http::percent_decode(pair.key);
    auto value = http::percent_decode(pair.value);
    if (!key || !value) invalid("malformed query string");
    if (out.count(*key) != 0) invalid(fmt::format("query parameter '{}' given twice", *key), *key);
    out.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input: return 400;
    case ErrorCode::not_found: return 404;
    case ErrorCode::unauthenticated: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::conflict: return 409;
    case ErrorCode::rate_limited: return 429;
    default: return 500;
  }
}

http::Response error_response(const ApiError& e, const std::string& request_id) {
  json error = {{"code", to_string(e.code)}, {"message", e.message}, {"request_id", request_id}};
  if (!e.field.empty()) error["field"] = e.field;
  http::Response r;
  r.status = e.status != 0 ? e.status : http_status_for(e.code);
  r.body = json{{"error", error}}.dump();
  r.headers = {{"Content-Type", "application/json"}};
  for (const auto& h : e.headers) r.headers.push_back(h);
  if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"sne\"");
  return r;
}

/// Resolves the bearer token of the request; ApiError 401 when absent, unknown or expired.
void authenticate(Call& call, Access access) {
  const auto auth = http::header(call.request.headers, "Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (!auth || auth->size() <= kBearer.size() || auth->compare(0, kBearer.size(), kBearer) != 0)
    refuse(401, ErrorCode::unauthenticated, "this request needs a bearer token", "Authorization");
  const std::string sha = crypto::sha256_hex(std::string_view(*auth).substr(kBearer.size()));
  auto st = call.db.prepare(
      "SELECT u.id, u.email, u.role, u.current_guichet, g.territoire, s.revoked, s.expires_at "
      "FROM sessions s JOIN users u ON u.id = s.user_id "
      "JOIN guichets g ON g.code = u.current_guichet WHERE s.token_sha256 = ?");
  st.bind(sha);
  const bool found = st.step();
  if (!found || st.int64(5) != 0 || st.int64(6) <= seconds(call.now)) {
    ApiError e{401, ErrorCode::unauthenticated, "the token is unknown, expired or revoked",
               "Authorization"};
    // Expiry is final once seen: a clock moved back afterwards does not bring the session back.
    if (found && st.int64(5) == 0)
      e.remember = [sha](Db& db) {
        db.run("UPDATE sessions SET revoked = 1 WHERE token_sha256 = ?", sha);
      };
    throw e;
  }
  Caller c;
  c.user_id = st.int64(0);
  c.email = st.text(1);
  c.role = st.text(2) == "referent" ? Role::referent : Role::agent;
  c.guichet = st.text(3);
  c.territoire = st.text(4);
  if (access == Access::referent && c.role != Role::referent)
    refuse(403, ErrorCode::forbidden, "only a référent may do this");
  call.caller = std::move(c);
  call.token_sha256 = sha;
}

struct Idempotency {
  std::string key;
  std::string principal;
  std::string body_sha256;
};

/// The key of a creating POST, validated; nullopt when the request carries none.
std::optional<Idempotency> idempotency_of(const Call& call) {
  if (call.request.method != "POST") return std::nullopt;
  auto key = http::header(call.request.headers, "Idempotency-Key");
  if (!key) return std::nullopt;
  if (key->empty() || key->size() > 255)
    invalid("Idempotency-Key must hold 1 to 255 characters", "Idempotency-Key");
  for (char c : *key)
    if (c < 0x21 || c > 0x7e)
      invalid("Idempotency-Key must be printable ASCII without spaces", "Idempotency-Key");
  return Idempotency{*key, call.caller ? std::to_string(call.caller->user_id) : "anonymous",
                     crypto::sha256_hex(call.request.body)};
}

std::optional<http::Response> replay(Call& call, const Idempotency& idem) {
  auto st = call.db.prepare(
      "SELECT method, target, body_sha256, status, response FROM idempotency "
      "WHERE key = ? AND principal = ?");
  st.bind(idem.key, idem.principal);
  if (!st.step()) return std::nullopt;
  if (st.text(0) != call.request.method || st.text(1) != call.request.target ||
      st.text(2) != idem.body_sha256)
    refuse(409, ErrorCode::conflict,
           "this Idempotency-Key was already used for a different request", "Idempotency-Key");
  http::Response r;
  r.status = static_cast<int>(st.int64(3));
  r.body = st.text(4);
  r.headers = {{"Content-Type", "application/json"}, {"Idempotent-Replayed", "true"}};
  return r;
}

/// Runs what a refusal of a read (GET) must leave behind, the request's own transaction being
/// rolled back: in a transaction of its own. Failing to write it changes nothing of the answer.
/// (A write request leaves its trace in its own transaction: see Handler::handle.)
void leave_trace(Db& db, const ApiError& e) {
  try {
    Transaction trace(db, true);
    e.remember(db);
    trace.commit();
  } catch (const DbError&) {
  }
}

}  // namespace

void refuse(int status, ErrorCode code, std::string message, std::string field) {
  throw ApiError{status, code, std::move(message), std::move(field)};
}

void refuse_shape(const json_reader::ShapeError& e) {
  std::string field = e.path;
  constexpr std::string_view kMissing = "missing key '";
  if (e.message.rfind(kMissing, 0) == 0 && e.message.back() == '\'') {
    const std::string key =
        e.message.substr(kMissing.size(), e.message.size() - kMissing.size() - 1);
    field = field.empty() ? key : field + "." + key;
  }
  invalid(e.path.empty() ? e.message : e.path + ": " + e.message, field);
}

std::int64_t seconds(Timestamp t) { return to_seconds(t); }

void check_printable(const std::string& value, const std::string& field) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) invalid("control characters are not allowed", field);
  }
}

json Call::body() const {
  json doc;
  if (request.body.empty()) invalid("this request needs a JSON body");
  auto parsed = json_reader::parse(request.body, doc);
  if (!parsed) invalid("malformed JSON: " + parsed.error().message());
  if (!doc.is_object()) invalid("the body must be a JSON object");
  return doc;
}

void Call::expect_query(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [key, value] : query) {
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) invalid(fmt::format("unknown query parameter '{}'", key), key);
  }
}

void send_mail(Call& call, const std::string& to, const std::string& subject,
               const std::string& body) {
  call.db.run("INSERT INTO outbox (sent_at, recipient, subject, body) VALUES (?, ?, ?, ?)",
              seconds(call.now), to, subject, body);
}

Handler::Handler(const std::string& db_path, std::size_t max_body)
    : db_(db_path), max_body_(max_body) {
  prepare(db_);
}

Result<std::unique_ptr<Handler>> Handler::open(const std::string& db_path, std::size_t max_body) {
  try {
    return std::make_unique<Handler>(db_path, max_body);
  } catch (const DbError& e) {
    return Error(e.busy() ? ErrorCode::server : ErrorCode::io,
                 fmt::format("sandbox database {}: {}", db_path, e.what()), db_path);
  } catch (const std::exception& e) {
    return Error(ErrorCode::io, fmt::format("sandbox database {}: {}", db_path, e.what()), db_path);
  }
}

std::vector<RouteInfo> Handler::routes() {
  std::vector<RouteInfo> out;
  for (const Route* r : all_routes()) out.push_back({r->method, r->pattern});
  return out;
}

http::Response Handler::handle(const http::Request& request) {
  // GLPI's face has its own routes, refusals and transactions (glpi.cpp).
  if (glpi::is_glpi_path(std::string_view(request.target).substr(0, request.target.find('?')))) {
    std::lock_guard lock(mutex_);
    Timestamp clock = std::chrono::system_clock::now();
    try {
      clock = now(db_);
    } catch (const DbError&) {  // glpi::handle meets the same failure and answers it
    }
    return glpi::handle(db_, request, clock, max_body_);
  }
  const std::string request_id = crypto::random_alnum(16);
  std::unique_lock lock(mutex_);
  http::Response response;
  // Every answer carries the sandbox's clock in its Date header, as a web server's carries
  // its own: clients judge deadlines by it (a sandbox clock may be set to another day).
  Timestamp clock = std::chrono::system_clock::now();
  try {
    clock = now(db_);
    if (request.body.size() > max_body_)
      refuse(413, ErrorCode::invalid_input,
             fmt::format("request body larger than {} bytes", max_body_));
    const std::string_view target = request.target;
    const auto qmark = target.find('?');
    const std::string_view path = target.substr(0, qmark);
    Match m = match(request.method, path);
    if (m.route == nullptr && !m.allowed_methods.empty()) {
      ApiError e{405,
                 ErrorCode::invalid_input,
                 fmt::format("{} is not allowed on {}", request.method, path),
                 {}};
      response = error_response(e, request_id);
      response.headers.emplace_back("Allow", fmt::format("{}", fmt::join(m.allowed_methods, ", ")));
      response.headers.emplace_back("X-Request-Id", request_id);
      response.headers.emplace_back("Date", http::http_date(clock));
      return response;
    }
    if (m.route == nullptr) not_found(fmt::format("no route {} {}", request.method, path));
    check_media_type(request, *m.route, false);

    // The numériseur works between requests: whatever became due is processed first, so that
    // this request sees its outcome. It inspects pieces without the lock (numeriseur.hpp):
    // meanwhile other requests are served, and skip the plis it claimed.
    if (numeriseur_due(db_, now(db_))) {
      lock.unlock();
      run_numeriseur(
          [this](const std::function<void(Db&)>& step) {
            std::lock_guard step_lock(mutex_);
            step(db_);
          },
          false, numeriseur_claims_);
      lock.lock();
      clock = now(db_);
    }
    const bool write = request.method != "GET";
    Transaction tx(db_, write);
    if (write) db_.exec("SAVEPOINT request");
    try {
      Call call{db_, request, now(db_), std::move(m.params), {}, std::nullopt, {}};
      if (qmark != std::string_view::npos) call.query = parse_query(target.substr(qmark + 1));
      if (m.route->access != Access::anonymous) authenticate(call, m.route->access);
      check_media_type(request, *m.route, true);
      const auto idem = m.route->pattern == "/v1/auth/token" ? std::nullopt : idempotency_of(call);
      if (idem) {
        if (auto replayed = replay(call, *idem)) {
          replayed->headers.emplace_back("X-Request-Id", request_id);
          replayed->headers.emplace_back("Date", http::http_date(clock));
          return *replayed;
        }
      }
      Reply reply = m.route->fn(call);
      response.status = reply.status;
      response.headers = std::move(reply.headers);
      if (!reply.body.is_null() || !reply.text.empty()) {
        response.body = reply.body.is_null() ? std::move(reply.text) : reply.body.dump();
        response.headers.emplace_back("Content-Type", "application/json");
      }
      if (idem && reply.status < 300)
        db_.run(
            "INSERT INTO idempotency (key, principal, method, target, body_sha256, status, "
            "response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            idem->key, idem->principal, request.method, request.target, idem->body_sha256,
            reply.status, response.body, seconds(call.now));
    } catch (const ApiError& e) {
      if (!write || !e.remember) throw;
      // A refusal that must leave a trace (a failed sign-in counted): what the request did is
      // undone and the trace written in the same transaction, so that no request of another
      // process sees the count without it. Failing to write it fails the request (503).
      db_.exec("ROLLBACK TO request");
      e.remember(db_);
      tx.commit();
      ApiError done = e;
      done.remember = nullptr;
      throw done;
    }
    if (write) tx.commit();
  } catch (const ApiError& e) {
    response = error_response(e, request_id);
    if (e.remember) leave_trace(db_, e);
  } catch (const DbError& e) {
    ApiError err{e.busy() ? 503 : 500,
                 ErrorCode::server,
                 e.busy() ? "the sandbox database is busy" : "sandbox database failure",
                 {}};
    response = error_response(err, request_id);
    if (e.busy()) response.headers.emplace_back("Retry-After", "1");
  } catch (const std::exception& e) {
    ApiError err{500, ErrorCode::internal, fmt::format("sandbox failure: {}", e.what()), {}};
    response = error_response(err, request_id);
  }
  response.headers.emplace_back("X-Request-Id", request_id);
  response.headers.emplace_back("Date", http::http_date(clock));
  return response;
}

Served Handler::serve(const http::Request& request) {
  Served out;
  const std::string_view path =
      std::string_view(request.target).substr(0, request.target.find('?'));
  if (!faults::applies_to(request.method, path)) {
    out.response = handle(request);
    return out;
  }
  SandboxFaults knobs;
  Timestamp clock = std::chrono::system_clock::now();
  try {
    std::lock_guard lock(mutex_);
    knobs = faults::read(db_);
    if (knobs.error_rate > 0 || knobs.rate_limit > 0) clock = now(db_);
  } catch (const DbError&) {  // handle() meets the same failure and answers it
  }
  if (!knobs.any()) {
    out.response = handle(request);
    return out;
  }
  out.delay = knobs.latency;
  const faults::Plan plan = dice_.draw(knobs);
  if (plan.drop_before) {
    out.drop = true;
    return out;
  }
  // Fault answers are given before anything is looked at, authentication included: nothing
  // is read, written or counted.
  auto fault_answer = [&clock](int status, std::string message, std::int64_t retry_after) {
    const std::string request_id = crypto::random_alnum(16);
    const ErrorCode code = status == 429   ? ErrorCode::rate_limited
                           : status == 408 ? ErrorCode::network
                                           : ErrorCode::server;
    ApiError e{status, code, std::move(message), {}};
    if (retry_after > 0) e.headers.emplace_back("Retry-After", std::to_string(retry_after));
    http::Response r = error_response(e, request_id);
    r.headers.emplace_back("X-Request-Id", request_id);
    r.headers.emplace_back("Date", http::http_date(clock));
    return r;
  };
  if (plan.error) {
    out.response = fault_answer(
        knobs.error_status,
        fmt::format("the sandbox answers {} on purpose (sne sandbox faults --error-rate {})",
                    knobs.error_status, knobs.error_rate),
        knobs.retry_after.count());
    return out;
  }
  if (knobs.rate_limit > 0 && faults::is_pli_creation(request.method, path)) {
    const auto wait = dice_.admit_pli(knobs.rate_limit, std::chrono::steady_clock::now());
    if (wait > 0) {
      out.response = fault_answer(
          429,
          fmt::format("too many plis: the sandbox takes {} a second (sne sandbox faults "
                      "--rate-limit); retry in {} s",
                      knobs.rate_limit, wait),
          wait);
      return out;
    }
  }
  out.response = handle(request);
  out.drop = plan.drop_after;
  return out;
}

}  // namespace sne::sandbox
