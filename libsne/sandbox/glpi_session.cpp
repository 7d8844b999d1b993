// Sessions of the sandbox's GLPI (API::initSession, checkAppToken, checkSessionToken,
// killSession and the other resources about the session): a self-service profile in the root
// entity. Sessions end when killed, after session_ttl seconds unused on the sandbox's clock (PHP's
// garbage collection), or after session_calls calls.
#include <array>

#include <fmt/format.h>

#include "base/text.hpp"
#include "crypto/crypto.hpp"
#include "sandbox/glpi.hpp"
#include "sandbox/store.hpp"
#include "sandbox/throttle.hpp"
#include "sne/sandbox.hpp"

namespace sne::sandbox::glpi {

namespace {

constexpr std::size_t kMaxPasswordLength = 256;

std::string param_string(const Call& call, std::string_view key) {
  return call.text_param(key).value_or("");
}

User load_user(Db& db, std::int64_t id) {
  auto st = db.prepare("SELECT email, nom, prenom FROM users WHERE id = ?");
  st.bind(id);
  st.step();
  return {id, st.text(0), st.text(1), st.text(2)};
}

json root_entity() { return {{"id", 0}, {"name", "Root entity"}, {"is_recursive", 1}}; }

/// The self-service profile, as $_SESSION['glpiprofiles'] holds it.
json profile() {
  return {{"id", 1}, {"name", "Self-Service"}, {"entities", json::array({root_entity()})}};
}

json active_profile() {
  json p = profile();
  p["interface"] = "helpdesk";
  p["ticket"] = 5;  // CREATE | READMY: sees and adds its own tickets
  p["followup"] = 5;
  p["document"] = 0;
  return p;
}

json full_session(const Call& call, const User& user) {
  return {
      {"glpi_use_mode", 0},
      {"glpiID", user.id},
      {"glpiname", user.email},
      {"glpirealname", user.nom},
      {"glpifirstname", user.prenom},
      {"glpifriendlyname", user.nom + " " + user.prenom},
      {"glpidefault_entity", 0},
      {"glpiactiveprofile", active_profile()},
      {"glpiprofiles", {{"1", {{"name", "Self-Service"}, {"entities", {{"0", root_entity()}}}}}}},
      {"glpiactive_entity", 0},
      {"glpiactive_entity_name", "Root entity"},
      {"glpiactive_entity_shortname", "Root entity"},
      {"glpiactive_entity_recursive", false},
      {"glpiactiveentities", json::array({0})},
      {"glpiactiveentities_string", "'0'"},
      {"glpilanguage", "en_GB"},
      {"glpilist_limit", 15},
      {"glpiis_ids_visible", 0},
      {"glpi_currenttime", datetime(call.now)}};
}

Reply kill_session(Call& call) {
  call.db.run("UPDATE glpi_sessions SET killed = 1 WHERE token_sha256 = ?",
              crypto::sha256_hex(param_string(call, "session_token")));
  return {200, true, {}, std::nullopt};
}

Reply get_my_profiles(Call&) {
  return {200, {{"myprofiles", json::array({profile()})}}, {}, std::nullopt};
}

Reply get_active_profile(Call&) {
  return {200, {{"active_profile", active_profile()}}, {}, std::nullopt};
}

Reply get_full_session(Call& call) {
  return {200, {{"session", full_session(call, call.me())}}, {}, std::nullopt};
}

Reply get_my_entities(Call&) {
  return {
      200, {{"myentities", json::array({{{"id", 0}, {"name", "Root entity"}}})}}, {}, std::nullopt};
}

Reply get_active_entities(Call&) {
  return {200,
          {{"active_entity",
            {{"id", 0},
             {"active_entity_recursive", false},
             {"active_entities", json::array({{{"id", 0}}})}}}},
          {},
          std::nullopt};
}

/// API::changeActiveEntities: true when the entity is one of the profile's (only the root).
Reply change_active_entities(Call& call) {
  const auto recursive = call.params.find("is_recursive");
  if (recursive != call.params.end() && !recursive->is_boolean())
    call.refuse_doc(400, "ERROR", "Bad Request");
  const auto entity = call.params.find("entities_id");
  const bool ok = entity == call.params.end() || as_int(*entity).value_or(0) == 0;
  return {200, ok, {}, std::nullopt};
}

Reply change_active_profile(Call& call) {
  const auto id = call.params.find("profiles_id");
  if (id == call.params.end()) call.refuse_doc(400, "ERROR", "Bad Request");
  if (as_int(*id).value_or(0) != 1) refuse(404, "ERROR_ITEM_NOT_FOUND", "Item not found");
  return {200, true, {}, std::nullopt};
}

Reply get_glpi_config(Call& call) {
  return {200,
          {{"cfg_glpi",
            {{"version", "10.0.16"},
             {"url_base_api", call.api_url},
             {"list_limit", 15},
             {"list_limit_max", 50},
             {"document_max_size", call.knobs.max_upload / (std::int64_t{1} << 20)},
             {"enable_api", 1},
             {"enable_api_login_credentials", 1}}}},
          {},
          std::nullopt};
}

struct Resource {
  std::string_view name;
  ResourceFn fn;
};

constexpr std::array kResources{
    Resource{"killSession", kill_session},
    Resource{"getMyProfiles", get_my_profiles},
    Resource{"getActiveProfile", get_active_profile},
    Resource{"getFullSession", get_full_session},
    Resource{"getMyEntities", get_my_entities},
    Resource{"getActiveEntities", get_active_entities},
    Resource{"changeActiveEntities", change_active_entities},
    Resource{"changeActiveProfile", change_active_profile},
    Resource{"getGlpiConfig", get_glpi_config},
    Resource{"search", search_items},
};

}  // namespace

ResourceFn session_resource(std::string_view resource) {
  for (const auto& r : kResources)
    if (r.name == resource) return r.fn;
  return nullptr;
}

void check_app_token(Call& call) {
  const auto it = call.params.find("app_token");
  if (it == call.params.end() || (it->is_string() && it->get<std::string>().empty()))
    call.refuse_doc(400, "ERROR_APP_TOKEN_PARAMETERS_MISSING", "missing parameter app_token");
  bool known = false;
  if (it->is_string()) {
    auto st = call.db.prepare("SELECT 1 FROM glpi_app_tokens WHERE token_sha256 = ?");
    st.bind(crypto::sha256_hex(it->get<std::string>()));
    known = st.step();
  }
  if (!known)
    call.refuse_doc(400, "ERROR_WRONG_APP_TOKEN_PARAMETER", "parameter app_token seems wrong");
}

void check_session(Call& call) {
  const auto it = call.params.find("session_token");
  if (it == call.params.end() || php_empty(*it))
    call.refuse_doc(400, "ERROR_SESSION_TOKEN_MISSING",
                    "parameter session_token is missing or empty");
  const std::string sha = crypto::sha256_hex(param_string(call, "session_token"));
  auto st = call.db.prepare(
      "SELECT user_id FROM glpi_sessions WHERE token_sha256 = ? AND killed = 0 "
      "AND ? - last_used <= ? AND (? = 0 OR calls < ?)");
  st.bind(sha, call.now, call.knobs.session_ttl, call.knobs.session_calls,
          call.knobs.session_calls);
  if (!st.step()) refuse(401, "ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid");
  const std::int64_t user_id = st.int64(0);
  // A session that has served its last call is gone for good, as one GLPI destroyed: it does
  // not come back (nor count as open) when the limit is raised or lifted afterwards.
  call.db.run(
      "UPDATE glpi_sessions SET last_used = ?, calls = calls + 1, "
      "killed = CASE WHEN ? > 0 AND calls + 1 >= ? THEN 1 ELSE killed END WHERE token_sha256 = ?",
      call.now, call.knobs.session_calls, call.knobs.session_calls, sha);
  call.user = load_user(call.db, user_id);
}

Reply init_session(Call& call) {
  check_app_token(call);
  const auto has = [&](const char* key) {
    const auto it = call.params.find(key);
    return it != call.params.end() && !php_empty(*it);
  };
  if ((!has("login") || !has("password")) && !has("user_token"))
    call.refuse_doc(400, "ERROR_LOGIN_PARAMETERS_MISSING",
                    "parameter(s) login, password or user_token are missing");
  // Failed logins slow the next ones down as the SNE's sign-in does (throttle.hpp): a closed
  // door is a 429 with Retry-After, answered before any token or password is checked.
  const bool by_token = has("user_token");
  const throttle::Attempt attempt{
      by_token ? std::string() : text::ascii_lower(param_string(call, "login")), call.request.peer,
      by_token};
  const Timestamp at = precise_now(call.db);  // waits count fractions of a second
  if (const auto lockout = throttle::check(call.db, attempt, at))
    return {429,
            json::array({"ERROR_TOO_MANY_LOGIN_ATTEMPTS", lockout->message}),
            {{"Retry-After", std::to_string(lockout->seconds)}},
            std::nullopt};
  // A failure is answered rather than thrown, so that serve() commits its count.
  const auto failed = [&](const char* code, const char* message) {
    throttle::record_failure(call.db, attempt, at);
    return Reply{401, json::array({code, message}), {}, std::nullopt};
  };
  std::int64_t user_id = 0;
  if (by_token) {
    auto st = call.db.prepare("SELECT user_id FROM glpi_user_tokens WHERE token_sha256 = ?");
    st.bind(crypto::sha256_hex(param_string(call, "user_token")));
    if (!st.step())
      return failed("ERROR_GLPI_LOGIN_USER_TOKEN", "parameter user_token seems invalid");
    user_id = st.int64(0);
  } else {
    // The same answer, in the same time, for an unknown login and a wrong password.
    static const std::string kDummy = crypto::hash_password("dummy", crypto::kPasswordIterations);
    const std::string password = param_string(call, "password");
    auto st = call.db.prepare("SELECT id, password_hash FROM users WHERE email = lower(?)");
    st.bind(param_string(call, "login"));
    const bool known = st.step() && !st.is_null(1);
    const bool ok = crypto::verify_password(password.substr(0, kMaxPasswordLength),
                                            known ? st.text(1) : kDummy) &&
                    known && password.size() <= kMaxPasswordLength;
    if (!ok) return failed("ERROR_GLPI_LOGIN", "Incorrect username or password");
    user_id = st.int64(0);
  }
  throttle::record_success(call.db, attempt);
  const std::string token = crypto::random_alnum(26);
  call.db.run(
      "INSERT INTO glpi_sessions (token_sha256, user_id, created_at, last_used) "
      "VALUES (?, ?, ?, ?)",
      crypto::sha256_hex(token), user_id, call.now, call.now);
  json body = {{"session_token", token}};
  if (call.flag("get_full_session", false))
    body["session"] = full_session(call, load_user(call.db, user_id));
  return {200, std::move(body), {}, std::nullopt};
}

}  // namespace sne::sandbox::glpi
