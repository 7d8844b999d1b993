// sne auth login|logout|status: sessions on the endpoint in force.
#include <fmt/format.h>

#include <sne/records_json.hpp>

#include "commands.hpp"
#include "i18n.hpp"
#include "password.hpp"

namespace sne::cli {

namespace {

struct LoginOptions {
  std::string email;
  bool password_stdin = false;
};

std::string french_time(Timestamp t) {
  // ISO in UTC, as the contract: "2026-11-22T17:30:00Z" -> "2026-11-22 17:30 UTC".
  const std::string iso = format_timestamp(t);
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

CommandResult run_login(const LoginOptions& opts, Context& ctx) {
  auto ep = ctx.endpoint();
  if (!ep) return ep.error();
  Secret password = read_password(ctx, opts.password_stdin, false);
  if (!password.ok) return password.failure;
  auto service = ctx.service(Auth::anonymous);
  if (!service) return service.error();
  auto session = (*service)->login(opts.email, password.value);
  if (!session) return session.error();
  auto store = ctx.credentials();
  if (!store) return store.error();
  if (auto saved = store->put(ep->canonical, {session->token, session->email, session->expires_at});
      !saved)
    return saved.error();
  if (ctx.out().json()) {
    ctx.out().print(Json::object()
                        .set("endpoint", ep->canonical)
                        .set("email", session->email)
                        .set("expires_at", format_timestamp(session->expires_at)));
  } else {
    ctx.out().line(fmt::format(fmt::runtime(_("Signed in as {} on {} until {}.")), session->email,
                               ep->canonical, french_time(session->expires_at)));
  }
  return kExitOk;
}

CommandResult run_logout(const int&, Context& ctx) {
  auto ep = ctx.endpoint();
  if (!ep) return ep.error();
  auto store = ctx.credentials();
  if (!store) return store.error();
  auto stored = store->get(ep->canonical);
  if (!stored) return stored.error();
  bool revoked = false;
  if (*stored && !(*stored)->token.empty()) {
    auto service = ctx.service(Auth::anonymous);
    if (!service) return service.error();
    (*service)->set_token((*stored)->token);
    // A token the server no longer knows is as good as revoked; any other failure means the
    // token may still work: say so, but forget it locally all the same.
    auto done = (*service)->logout();
    revoked = done.ok() || done.error().code() == ErrorCode::unauthenticated;
    if (!done && !revoked)
      ctx.out().warning(fmt::format(fmt::runtime(_("the service did not revoke the token: {}")),
                                    localized(done.error().message())));
  }
  // An empty entry, not none: on the embedded sandbox, none means "sign in as the demo agent".
  if (auto saved = store->put(ep->canonical, {"", *stored ? (*stored)->email : "", {}}); !saved)
    return saved.error();
  if (ctx.out().json())
    ctx.out().print(Json::object().set("endpoint", ep->canonical).set("revoked", revoked));
  else
    ctx.out().line(fmt::format(fmt::runtime(_("Signed out of {}.")), ep->canonical));
  return kExitOk;
}

CommandResult run_status(const int&, Context& ctx) {
  auto ep = ctx.endpoint();
  if (!ep) return ep.error();
  auto service = ctx.service();
  if (!service) return service.error();
  auto me = (*service)->me();
  if (!me) return me.error();
  auto store = ctx.credentials();
  if (!store) return store.error();
  auto stored = store->get(ep->canonical);
  if (!stored) return stored.error();
  const bool from_env = ctx.connection().token_source() == TokenSource::environment;
  const char* kind = ep->kind == EndpointInfo::Kind::embedded_sandbox ? "embedded_sandbox" : "http";
  if (ctx.out().json()) {
    Json doc = Json::object()
                   .set("endpoint", ep->canonical)
                   .set("kind", kind)
                   .set("token_source", from_env ? "SNE_TOKEN" : "credentials");
    if (!from_env && *stored) doc.set("expires_at", format_timestamp((*stored)->expires_at));
    doc.set("me", to_json(*me));
    ctx.out().print(doc);
    return kExitOk;
  }
  std::string guichet = me->guichet;
  for (const auto& g : me->guichets)
    if (g.code == me->guichet) guichet = fmt::format("{} — {} ({})", g.code, g.nom, g.territoire);
  Table t({"", ""});
  // TRANSLATORS: the labels of 'sne auth status', one per line before its value.
  t.add({_("Endpoint"), ep->canonical});
  t.add({_("Signed in as"), fmt::format("{} {} <{}>", me->prenom, me->nom, me->email)});
  t.add({_("Role"), me->role == Role::referent ? "référent" : "agent"});
  t.add({_("Guichet"), guichet});
  t.add({_("Session"),
         from_env  ? std::string(_("token from SNE_TOKEN"))
         : *stored ? fmt::format(fmt::runtime(_("until {}")), french_time((*stored)->expires_at))
                   : std::string()});
  t.print(ctx.out());
  return kExitOk;
}

}  // namespace

void setup_auth(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "auth", _("Sign in and out of the endpoint in force"));

  auto l = std::make_shared<LoginOptions>();
  auto* login = noun->add_subcommand("login", _("Sign in with an e-mail and a password"));
  login->add_option("--email", l->email, _("E-mail address of the account"))->required();
  login->add_flag("--password-stdin", l->password_stdin,
                  _("Read the password from the first line of stdin (else asked without echo)"));
  on_parsed(*login, ctx, l, run_login);

  auto none = std::make_shared<int>(0);
  auto* logout = noun->add_subcommand("logout", _("Revoke the session and forget its token"));
  on_parsed(*logout, ctx, none, run_logout);

  auto* status =
      noun->add_subcommand("status", _("Show the endpoint, who is signed in and their guichet"));
  on_parsed(*status, ctx, none, run_status);
}

}  // namespace sne::cli
