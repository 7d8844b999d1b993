// The sandbox's routes for sessions, the signed-in agent and account requests.
#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sandbox/api.hpp"
#include "sandbox/store.hpp"
#include "sandbox/throttle.hpp"
#include "wire/wire.hpp"

namespace sne::sandbox {

namespace {

constexpr auto kSessionLifetime = std::chrono::hours(8);
constexpr auto kActivationLifetime = std::chrono::hours(72);
constexpr std::size_t kMinPasswordLength = 12;
constexpr std::size_t kMaxPasswordLength = 256;

// ---- validation of what people type ------------------------------------------------------

void check_email(const std::string& email, const std::string& field) {
  const auto at = email.find('@');
  const bool ok = at != std::string::npos && at > 0 &&
                  email.find('@', at + 1) == std::string::npos &&
                  email.find('.', at) != std::string::npos && email.back() != '.' &&
                  email.find_first_of(" \t\r\n,;<>\"'()[]\\") == std::string::npos;
  if (!ok) invalid(fmt::format("'{}' is not an e-mail address", email), field);
}

void check_telephone(const std::string& phone, const std::string& field) {
  int digits = 0;
  for (char c : phone) {
    if (c >= '0' && c <= '9')
      ++digits;
    else if (c != ' ' && c != '.' && c != '-' && !(c == '+' && digits == 0))
      invalid(fmt::format("'{}' is not a telephone number", phone), field);
  }
  if (digits < 8 || digits > 15)
    invalid(fmt::format("'{}' is not a telephone number (8 to 15 digits)", phone), field);
}

void check_name(const std::string& value, const std::string& field) {
  check_printable(value, field);
  if (value.find_first_not_of(' ') == std::string::npos) invalid("must not be blank", field);
}

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// ---- loading records ----------------------------------------------------------------------

AccountRequest load_request(Db& db, const std::string& id) {
  auto st = db.prepare(
      "SELECT statut, nom, prenom, email, telephone, type_organisme, organisme, motif, "
      "created_at, decided_at FROM account_requests WHERE id = ?");
  st.bind(id);
  if (!st.step()) not_found(fmt::format("no account request '{}'", id));
  AccountRequest r;
  r.id = id;
  const std::string statut = st.text(0);
  for (auto s : {RequestStatus::en_attente, RequestStatus::validee, RequestStatus::rejetee,
                 RequestStatus::activee})
    if (to_string(s) == statut) r.statut = s;
  r.input = {st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), {}};
  r.motif = st.text(7);
  r.date_creation = from_seconds(st.int64(8));
  if (!st.is_null(9)) r.date_decision = from_seconds(st.int64(9));
  auto g = db.prepare(
      "SELECT guichet FROM account_request_guichets WHERE request_id = ? ORDER BY position");
  g.bind(id);
  while (g.step()) r.input.guichets.push_back(g.text(0));
  return r;
}

/// The pending request `id`, if one of the caller's guichets (as référent) is among its own;
/// 404 otherwise, so that référents learn nothing of other guichets' requests.
AccountRequest request_for_referent(Call& call, const std::string& id) {
  auto st = call.db.prepare(
      "SELECT 1 FROM account_request_guichets r JOIN user_guichets u ON u.guichet = r.guichet "
      "WHERE r.request_id = ? AND u.user_id = ? AND u.referent = 1");
  st.bind(id, call.user().user_id);
  if (!st.step()) not_found(fmt::format("no account request '{}'", id));
  AccountRequest r = load_request(call.db, id);
  if (r.statut != RequestStatus::en_attente)
    refuse(409, ErrorCode::conflict,
           fmt::format("account request '{}' is no longer pending: it was {}", id,
                       r.statut == RequestStatus::rejetee   ? "rejected"
                       : r.statut == RequestStatus::validee ? "validated"
                                                            : "validated and activated"));
  return r;
}

bool email_taken(Db& db, const std::string& email) {
  auto st = db.prepare(
      "SELECT 1 FROM users WHERE email = ?1 UNION ALL "
      "SELECT 1 FROM account_requests WHERE email = ?1 AND statut IN ('en_attente', 'validee')");
  st.bind(email);
  return st.step();
}

// ---- sessions -----------------------------------------------------------------------------

[[noreturn]] void refuse_throttled(const throttle::Lockout& lockout) {
  ApiError e{429, ErrorCode::rate_limited, lockout.message, {}};
  e.headers.emplace_back("Retry-After", std::to_string(lockout.seconds));
  throw e;
}

Reply create_token(Call& call) {
  auto [email, password] = call.decode([](const json_reader::Node& n) {
    n.expect_keys({"email", "password"});
    return std::pair(lower(n.at("email").string()), n.at("password").string());
  });
  // Failed sign-ins slow the next ones down, per account and per address (throttle.hpp): while
  // the door is closed the password is not even checked, so that it cannot be guessed then.
  const throttle::Attempt attempt{email, call.request.peer, false};
  // The throttle counts its waits to the fraction of a second (throttle.hpp).
  const Timestamp at = precise_now(call.db);
  if (const auto lockout = throttle::check(call.db, attempt, at)) refuse_throttled(*lockout);
  auto st = call.db.prepare("SELECT id, password_hash FROM users WHERE email = ?");
  st.bind(email);
  // One answer, in the same time, for an unknown e-mail, an account without password and a
  // wrong password: the sandbox does not tell which e-mails have accounts.
  static const std::string kDummy = crypto::hash_password("dummy", crypto::kPasswordIterations);
  const bool known = st.step() && !st.is_null(1);
  const bool ok = crypto::verify_password(password.substr(0, kMaxPasswordLength),
                                          known ? st.text(1) : kDummy) &&
                  known && password.size() <= kMaxPasswordLength;
  if (!ok) {
    ApiError e{401, ErrorCode::unauthenticated, "wrong e-mail or password", {}};
    e.remember = [attempt, at](Db& db) { throttle::record_failure(db, attempt, at); };
    throw e;
  }
  throttle::record_success(call.db, attempt);
  const std::int64_t user_id = st.int64(0);
  // The session lasts 8 hours of sandbox time, but announces its end in the system's time:
  // clients compare expires_at with their own clock, which knows nothing of a sandbox clock
  // set to another day or moved forward.
  const auto system_now =
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  Session s{crypto::random_alnum(40), email, system_now + kSessionLifetime};
  call.db.run("INSERT INTO sessions (token_sha256, user_id, expires_at) VALUES (?, ?, ?)",
              crypto::sha256_hex(s.token), user_id, seconds(call.now + kSessionLifetime));
  return {201, wire::encode(s), {{"Cache-Control", "no-store"}}};
}

Reply revoke_token(Call& call) {
  call.db.run("UPDATE sessions SET revoked = 1 WHERE token_sha256 = ?", call.token_sha256);
  return {204, nullptr, {}};
}

// ---- the signed-in agent ------------------------------------------------------------------

Reply get_me(Call& call) { return {200, wire::encode(load_me(call.db, call.user().user_id)), {}}; }

Reply patch_me(Call& call) {
  const ProfileChange c = call.decode(wire::decode_profile_change);
  const std::int64_t id = call.user().user_id;
  if (c.nom) {
    check_name(*c.nom, "nom");
    call.db.run("UPDATE users SET nom = ? WHERE id = ?", *c.nom, id);
  }
  if (c.prenom) {
    check_name(*c.prenom, "prenom");
    call.db.run("UPDATE users SET prenom = ? WHERE id = ?", *c.prenom, id);
  }
  if (c.telephone) {
    check_telephone(*c.telephone, "telephone");
    call.db.run("UPDATE users SET telephone = ? WHERE id = ?", *c.telephone, id);
  }
  if (c.daily_mail) call.db.run("UPDATE users SET daily_mail = ? WHERE id = ?", *c.daily_mail, id);
  return {200, wire::encode(load_me(call.db, id)), {}};
}

Reply put_guichet(Call& call) {
  const std::string code = call.decode([](const json_reader::Node& n) {
    n.expect_keys({"code"});
    return n.at("code").string();
  });
  auto st = call.db.prepare("SELECT 1 FROM user_guichets WHERE user_id = ? AND guichet = ?");
  st.bind(call.user().user_id, code);
  if (!st.step()) not_found(fmt::format("guichet '{}' is not one of yours", code));
  call.db.run("UPDATE users SET current_guichet = ? WHERE id = ?", code, call.user().user_id);
  return {200, wire::encode(load_me(call.db, call.user().user_id)), {}};
}

// ---- account requests ---------------------------------------------------------------------

Reply create_request(Call& call) {
  AccountRequestInput in = call.decode(wire::decode_account_request_input);
  in.email = lower(in.email);
  check_name(in.nom, "nom");
  check_name(in.prenom, "prenom");
  check_name(in.type_organisme, "type_organisme");
  check_name(in.organisme, "organisme");
  check_email(in.email, "email");
  check_telephone(in.telephone, "telephone");
  for (std::size_t i = 0; i < in.guichets.size(); ++i) {
    const std::string field = fmt::format("guichets[{}]", i);
    auto st = call.db.prepare("SELECT 1 FROM guichets WHERE code = ?");
    st.bind(in.guichets[i]);
    if (!st.step()) invalid(fmt::format("unknown guichet '{}'", in.guichets[i]), field);
    for (std::size_t j = 0; j < i; ++j)
      if (in.guichets[j] == in.guichets[i])
        invalid(fmt::format("guichet '{}' given twice", in.guichets[i]), field);
  }
  if (email_taken(call.db, in.email))
    refuse(409, ErrorCode::conflict,
           fmt::format("an account or a request already uses the e-mail {}", in.email), "email");
  const std::string id = "req-" + crypto::random_alnum(20);
  call.db.run(
      "INSERT INTO account_requests (id, statut, nom, prenom, email, telephone, "
      "type_organisme, organisme, created_at) VALUES (?, 'en_attente', ?, ?, ?, ?, ?, ?, ?)",
      id, in.nom, in.prenom, in.email, in.telephone, in.type_organisme, in.organisme,
      seconds(call.now));
  for (std::size_t i = 0; i < in.guichets.size(); ++i)
    call.db.run(
        "INSERT INTO account_request_guichets (request_id, guichet, position) "
        "VALUES (?, ?, ?)",
        id, in.guichets[i], static_cast<std::int64_t>(i));
  send_mail(call, in.email, "Votre demande de création de compte",
            fmt::format("Bonjour {} {},\n\nVotre demande de compte ({}) attend la validation "
                        "d'un référent de votre guichet.\nSuivi : sne account status {}\n",
                        in.prenom, in.nom, id, id));
  auto referents = call.db.prepare(
      "SELECT DISTINCT u.email FROM users u JOIN user_guichets ug ON ug.user_id = u.id "
      "JOIN account_request_guichets r ON r.guichet = ug.guichet "
      "WHERE r.request_id = ? AND ug.referent = 1 ORDER BY u.email");
  referents.bind(id);
  std::vector<std::string> to;
  while (referents.step()) to.push_back(referents.text(0));
  for (const auto& referent : to)
    send_mail(call, referent, "Nouvelle demande de compte à valider",
              fmt::format("{} {} <{}> demande un compte ({}).\nsne account validate {}\n",
                          in.prenom, in.nom, in.email, id, id));
  return {201, wire::encode(load_request(call.db, id)), {}};
}

Reply get_request(Call& call) {
  return {200, wire::encode(load_request(call.db, call.params[0])), {}};
}

Reply list_requests(Call& call) {
  call.expect_query({"statut"});
  std::string statut = "en_attente";
  if (auto it = call.query.find("statut"); it != call.query.end()) statut = it->second;
  if (statut != "en_attente" && statut != "validee" && statut != "rejetee" && statut != "activee")
    invalid(fmt::format("unknown statut '{}'", statut), "statut");
  auto st = call.db.prepare(
      "SELECT DISTINCT r.id, r.created_at FROM account_requests r "
      "JOIN account_request_guichets rg ON rg.request_id = r.id "
      "JOIN user_guichets ug ON ug.guichet = rg.guichet "
      "WHERE ug.user_id = ? AND ug.referent = 1 AND r.statut = ? ORDER BY r.created_at, r.id");
  st.bind(call.user().user_id, statut);
  std::vector<std::string> ids;
  while (st.step()) ids.push_back(st.text(0));
  json items = json::array();
  for (const auto& id : ids) items.push_back(wire::encode(load_request(call.db, id)));
  return {200, json{{"items", items}}, {}};
}

Reply validate_request(Call& call) {
  const std::string& id = call.params[0];
  AccountRequest r = request_for_referent(call, id);
  // Validating grants access to every guichet of the request: the référent must answer for
  // each of them. Rejecting needs only one.
  for (const auto& g : r.input.guichets) {
    auto st = call.db.prepare(
        "SELECT 1 FROM user_guichets WHERE user_id = ? AND guichet = ? AND referent = 1");
    st.bind(call.user().user_id, g);
    if (!st.step())
      refuse(403, ErrorCode::forbidden,
             fmt::format("you are not référent of guichet {}: its référent must validate this "
                         "request",
                         g),
             "guichets");
  }
  auto taken = call.db.prepare("SELECT 1 FROM users WHERE email = ?");
  taken.bind(r.input.email);
  if (taken.step())
    refuse(409, ErrorCode::conflict,
           fmt::format("an account already uses the e-mail {}", r.input.email));
  call.db.run(
      "INSERT INTO users (email, nom, prenom, telephone, role, current_guichet) "
      "VALUES (?, ?, ?, ?, 'agent', ?)",
      r.input.email, r.input.nom, r.input.prenom, r.input.telephone, r.input.guichets.front());
  const std::int64_t user_id = call.db.last_insert_rowid();
  for (std::size_t i = 0; i < r.input.guichets.size(); ++i)
    call.db.run("INSERT INTO user_guichets (user_id, guichet, position) VALUES (?, ?, ?)", user_id,
                r.input.guichets[i], static_cast<std::int64_t>(i));
  call.db.run(
      "UPDATE account_requests SET statut = 'validee', decided_at = ?, user_id = ? "
      "WHERE id = ?",
      seconds(call.now), user_id, id);
  const std::string token = crypto::random_alnum(40);
  const Timestamp expires = call.now + kActivationLifetime;
  call.db.run(
      "INSERT INTO activation_tokens (token_sha256, user_id, request_id, expires_at) "
      "VALUES (?, ?, ?, ?)",
      crypto::sha256_hex(token), user_id, id, seconds(expires));
  send_mail(call, r.input.email, "Activez votre compte",
            fmt::format("Bonjour {} {},\n\nVotre demande de compte a été validée. Choisissez "
                        "votre mot de passe avant le {} :\n"
                        "https://sandbox.sne.test/activation?token={}\n\n"
                        "En ligne de commande : sne account activate --token {}\n",
                        r.input.prenom, r.input.nom, format_timestamp(expires), token, token));
  return {200, wire::encode(load_request(call.db, id)), {}};
}

Reply reject_request(Call& call) {
  const std::string& id = call.params[0];
  const std::string motif = call.decode([](const json_reader::Node& n) {
    n.expect_keys({"motif"});
    std::string text = n.at("motif").string();
    if (text.size() > 1000) n.at("motif").fail("longer than 1000 bytes");
    return text;
  });
  check_name(motif, "motif");
  AccountRequest r = request_for_referent(call, id);
  call.db.run(
      "UPDATE account_requests SET statut = 'rejetee', decided_at = ?, motif = ? "
      "WHERE id = ?",
      seconds(call.now), motif, id);
  send_mail(call, r.input.email, "Votre demande de compte a été refusée",
            fmt::format("Bonjour {} {},\n\nVotre demande de compte ({}) a été refusée : {}\n",
                        r.input.prenom, r.input.nom, id, motif));
  return {200, wire::encode(load_request(call.db, id)), {}};
}

Reply activate(Call& call) {
  auto [token, password] = call.decode([](const json_reader::Node& n) {
    n.expect_keys({"token", "password"});
    return std::pair(n.at("token").string(), n.at("password").string());
  });
  auto st = call.db.prepare(
      "SELECT t.user_id, t.request_id, t.expires_at, t.used_at, u.email FROM activation_tokens t "
      "JOIN users u ON u.id = t.user_id WHERE t.token_sha256 = ?");
  st.bind(crypto::sha256_hex(token));
  if (!st.step() || st.int64(2) <= seconds(call.now))
    refuse(401, ErrorCode::unauthenticated,
           "this activation token is unknown or has expired: ask a référent for a new one",
           "token");
  if (!st.is_null(3))
    refuse(409, ErrorCode::conflict, "this activation token was already used: sign in instead",
           "token");
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength)
    invalid(fmt::format("the password must hold {} to {} characters", kMinPasswordLength,
                        kMaxPasswordLength),
            "password");
  const std::int64_t user_id = st.int64(0);
  const std::string request_id = st.text(1), email = st.text(4);
  const std::string local = email.substr(0, email.find('@'));
  if (local.size() >= 4 && password.find(local) != std::string::npos)
    invalid("the password must not contain the name part of the e-mail address", "password");
  call.db.run("UPDATE users SET password_hash = ? WHERE id = ?",
              crypto::hash_password(password, crypto::kPasswordIterations), user_id);
  call.db.run("UPDATE activation_tokens SET used_at = ? WHERE token_sha256 = ?", seconds(call.now),
              crypto::sha256_hex(token));
  call.db.run("UPDATE account_requests SET statut = 'activee' WHERE id = ?", request_id);
  return {200, json{{"email", email}}, {}};
}

}  // namespace

Me load_me(Db& db, std::int64_t user_id) {
  auto st = db.prepare(
      "SELECT email, nom, prenom, telephone, role, current_guichet, daily_mail FROM users "
      "WHERE id = ?");
  st.bind(user_id);
  if (!st.step()) not_found("no such account");
  Me me;
  me.email = st.text(0);
  me.nom = st.text(1);
  me.prenom = st.text(2);
  me.telephone = st.text(3);
  me.role = st.text(4) == "referent" ? Role::referent : Role::agent;
  me.guichet = st.text(5);
  me.daily_mail = st.int64(6) != 0;
  auto g = db.prepare(
      "SELECT g.code, g.nom, g.siret, g.territoire FROM user_guichets ug "
      "JOIN guichets g ON g.code = ug.guichet WHERE ug.user_id = ? ORDER BY ug.position");
  g.bind(user_id);
  while (g.step()) me.guichets.push_back({g.text(0), g.text(1), g.text(2), g.text(3)});
  return me;
}

const std::vector<Route>& account_routes() {
  static const std::vector<Route> routes{
      {"POST", "/v1/auth/token", Access::anonymous, create_token},
      {"DELETE", "/v1/auth/token", Access::agent, revoke_token},
      {"GET", "/v1/me", Access::agent, get_me},
      {"PATCH", "/v1/me", Access::agent, patch_me},
      {"PUT", "/v1/me/guichet", Access::agent, put_guichet},
      {"POST", "/v1/account-requests", Access::anonymous, create_request},
      {"GET", "/v1/account-requests", Access::referent, list_requests},
      {"GET", "/v1/account-requests/{id}", Access::anonymous, get_request},
      {"POST", "/v1/account-requests/{id}/validation", Access::referent, validate_request},
      {"POST", "/v1/account-requests/{id}/rejection", Access::referent, reject_request},
      {"POST", "/v1/activations", Access::anonymous, activate},
  };
  return routes;
}

}  // namespace sne::sandbox
