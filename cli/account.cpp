// sne account: requests, validation by a référent, activation, profile, guichet, notifications.
#include <iostream>

#include <fmt/format.h>

#include <sne/records_json.hpp>

#include "commands.hpp"
#include "i18n.hpp"
#include "password.hpp"

namespace sne::cli {

namespace {

std::string_view label(RequestStatus s) {
  switch (s) {
    case RequestStatus::en_attente: return _("En attente de validation");
    case RequestStatus::validee: return _("Validée : lien d'activation envoyé");
    case RequestStatus::rejetee: return _("Rejetée");
    case RequestStatus::activee: return _("Compte activé");
  }
  return "";
}

std::string day(Timestamp t) { return format_timestamp(t).substr(0, 10); }

void print_request(const AccountRequest& r, Context& ctx) {
  if (ctx.out().json()) {
    ctx.out().print(to_json(r));
    return;
  }
  Table t({"", ""});
  t.add({_("Demande"), r.id});
  t.add({_("Statut"), std::string(label(r.statut))});
  if (!r.motif.empty()) t.add({_("Motif"), r.motif});
  t.add({_("Demandeur"), fmt::format("{} {} <{}>", r.input.prenom, r.input.nom, r.input.email)});
  t.add({_("Organisme"), fmt::format("{} ({})", r.input.organisme, r.input.type_organisme)});
  t.add({_("Guichets"), fmt::format("{}", fmt::join(r.input.guichets, ", "))});
  t.add({_("Créée"), format_timestamp(r.date_creation)});
  if (r.date_decision) t.add({_("Décidée"), format_timestamp(*r.date_decision)});
  t.print(ctx.out());
}

void print_me(const Me& me, Context& ctx) {
  if (ctx.out().json()) {
    ctx.out().print(to_json(me));
    return;
  }
  Table t({"", ""});
  t.add({_("E-mail"), me.email});
  t.add({_("Nom"), me.nom});
  t.add({_("Prénom"), me.prenom});
  t.add({_("Téléphone"), me.telephone});
  t.add({_("Rôle"), me.role == Role::referent ? "référent" : "agent"});
  t.add({_("Guichet"), me.guichet});
  t.add({_("Mail quotidien"), me.daily_mail ? _("oui") : _("non")});
  t.print(ctx.out());
}

// ---- request, status ---------------------------------------------------------------------

CommandResult run_request(const AccountRequestInput& in, Context& ctx) {
  auto service = ctx.service(Auth::anonymous);
  if (!service) return service.error();
  auto r = (*service)->request_account(in, new_idempotency_key());
  if (!r) return r.error();
  if (ctx.out().json()) {
    ctx.out().print(to_json(*r));
  } else {
    ctx.out().line(fmt::format(fmt::runtime(_("Account request {} sent: a référent of {} will "
                                              "validate it.")),
                               r->id, fmt::join(r->input.guichets, ", ")));
    ctx.out().line(fmt::format(fmt::runtime(_("Follow it with: sne account status {}")), r->id));
  }
  return kExitOk;
}

struct IdOptions {
  std::string id;
  std::string reason;
};

CommandResult run_status(const IdOptions& opts, Context& ctx) {
  auto service = ctx.service(Auth::anonymous);
  if (!service) return service.error();
  auto r = (*service)->account_request(opts.id);
  if (!r) return r.error();
  print_request(*r, ctx);
  return kExitOk;
}

// ---- référent ----------------------------------------------------------------------------

CommandResult run_pending(const int&, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  auto list = (*service)->pending_requests();
  if (!list) return list.error();
  if (ctx.out().json()) {
    Json arr = Json::array();
    for (const auto& r : *list) arr.push(to_json(r));
    ctx.out().print(arr);
    return kExitOk;
  }
  if (list->empty()) {
    ctx.out().line(_("No account request waits for you."));
    return kExitOk;
  }
  // TRANSLATORS: the headers of 'sne account pending' (already the portal's French words).
  Table t({_("DEMANDE"), _("DATE"), _("DEMANDEUR"), _("E-MAIL"), _("ORGANISME"), _("GUICHETS")});
  for (const auto& r : *list)
    t.add({r.id, day(r.date_creation), fmt::format("{} {}", r.input.prenom, r.input.nom),
           r.input.email, r.input.organisme, fmt::format("{}", fmt::join(r.input.guichets, ","))});
  t.print(ctx.out());
  return kExitOk;
}

CommandResult run_validate(const IdOptions& opts, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  auto r = (*service)->validate_request(opts.id);
  if (!r) return r.error();
  if (ctx.out().json())
    ctx.out().print(to_json(*r));
  else
    ctx.out().line(
        fmt::format(fmt::runtime(_("Request {} validated: {} received an activation link.")), r->id,
                    r->input.email));
  return kExitOk;
}

CommandResult run_reject(const IdOptions& opts, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  auto r = (*service)->reject_request(opts.id, opts.reason);
  if (!r) return r.error();
  if (ctx.out().json())
    ctx.out().print(to_json(*r));
  else
    ctx.out().line(fmt::format(fmt::runtime(_("Request {} rejected; {} was told why.")), r->id,
                               r->input.email));
  return kExitOk;
}

// ---- activation ---------------------------------------------------------------------------

struct ActivateOptions {
  std::string token;
  bool password_stdin = false;
};

CommandResult run_activate(const ActivateOptions& opts, Context& ctx) {
  std::string token = opts.token;
  if (token == "-") {  // from stdin, out of sight of ps(1); the password follows on line 2
    if (!std::getline(std::cin, token) || token.empty())
      return Error(ErrorCode::invalid_input,
                   tr(N_("--token -: no token on the first line of stdin")));
    if (token.back() == '\r') token.pop_back();
  }
  Secret password = read_password(ctx, opts.password_stdin, true);
  if (!password.ok) return password.failure;
  auto service = ctx.service(Auth::anonymous);
  if (!service) return service.error();
  auto email = (*service)->activate(token, password.value);
  if (!email) return email.error();
  if (ctx.out().json())
    ctx.out().print(Json::object().set("email", *email).set("activated", true));
  else
    ctx.out().line(fmt::format(
        fmt::runtime(_("Account {} activated. Sign in with: sne auth login --email {}")), *email,
        *email));
  return kExitOk;
}

// ---- profile, guichet, notifications ------------------------------------------------------

struct ProfileOptions {
  std::string nom, prenom, telephone;
  // Whether each was given: an explicit empty value goes to the service, which refuses it.
  const CLI::Option* nom_given = nullptr;
  const CLI::Option* prenom_given = nullptr;
  const CLI::Option* telephone_given = nullptr;
};

CommandResult run_profile(const ProfileOptions& opts, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  ProfileChange change;
  if (opts.nom_given->count() > 0) change.nom = opts.nom;
  if (opts.prenom_given->count() > 0) change.prenom = opts.prenom;
  if (opts.telephone_given->count() > 0) change.telephone = opts.telephone;
  auto me = change.nom || change.prenom || change.telephone ? (*service)->update_profile(change)
                                                            : (*service)->me();
  if (!me) return me.error();
  print_me(*me, ctx);
  return kExitOk;
}

struct GuichetOptions {
  std::string code;
};

CommandResult run_guichet(const GuichetOptions& opts, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  auto me = opts.code.empty() ? (*service)->me() : (*service)->switch_guichet(opts.code);
  if (!me) return me.error();
  if (ctx.out().json()) {
    Json arr = Json::array();
    for (const auto& g : me->guichets) arr.push(to_json(g).set("current", g.code == me->guichet));
    ctx.out().print(arr);
    return kExitOk;
  }
  if (!opts.code.empty()) {
    ctx.out().line(fmt::format(fmt::runtime(_("Now working for guichet {}.")), me->guichet));
    return kExitOk;
  }
  Table t({"", _("CODE"), _("NOM"), _("SIRET"), _("TERRITOIRE")});
  for (const auto& g : me->guichets)
    t.add({g.code == me->guichet ? "*" : "", g.code, g.nom, g.siret, g.territoire},
          {Style::ok, g.code == me->guichet ? Style::bold : Style::plain});
  t.print(ctx.out());
  return kExitOk;
}

struct NotificationOptions {
  std::string daily_mail;  ///< "on", "off" or empty (show)
};

CommandResult run_notifications(const NotificationOptions& opts, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  Result<Me> me = Error(ErrorCode::internal, "unset");
  if (opts.daily_mail.empty()) {
    me = (*service)->me();
  } else {
    ProfileChange change;
    change.daily_mail = opts.daily_mail == "on";
    me = (*service)->update_profile(change);
  }
  if (!me) return me.error();
  if (ctx.out().json())
    ctx.out().print(Json::object().set("daily_mail", me->daily_mail));
  else
    ctx.out().line(me->daily_mail ? _("Daily notification e-mail: on.")
                                  : _("Daily notification e-mail: off."));
  return kExitOk;
}

}  // namespace

void setup_account(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "account", _("Account requests, activation, profile and guichets"));

  auto in = std::make_shared<AccountRequestInput>();
  auto* request = noun->add_subcommand(
      "request", _("Ask for an account (\"JE CRÉE MON ESPACE\"); a référent validates it"));
  request->add_option("--nom", in->nom, _("Family name"))->required();
  request->add_option("--prenom", in->prenom, _("Given name"))->required();
  request->add_option("--email", in->email, _("Nominative e-mail: the identifier of the account"))
      ->required();
  request->add_option("--telephone", in->telephone, _("Telephone number"))->required();
  request
      ->add_option("--type-organisme", in->type_organisme,
                   _("Kind of organisation: commune, bailleur, action_logement..."))
      ->required();
  request->add_option("--organisme", in->organisme, _("Name of the organisation"))->required();
  request
      ->add_option("--guichet", in->guichets,
                   _("Code guichet (repeat, or separate by commas, for several guichets)"))
      ->required()
      ->type_name("CODE")
      ->delimiter(',');
  on_parsed(*request, ctx, in, run_request);

  auto st = std::make_shared<IdOptions>();
  auto* status = noun->add_subcommand("status", _("Follow an account request"));
  status->add_option("ID", st->id, _("Identifier given by 'sne account request'"))->required();
  on_parsed(*status, ctx, st, run_status);

  auto none = std::make_shared<int>(0);
  auto* pending =
      noun->add_subcommand("pending", _("Référent: the account requests waiting for you"));
  on_parsed(*pending, ctx, none, run_pending);

  auto va = std::make_shared<IdOptions>();
  auto* validate = noun->add_subcommand(
      "validate", _("Référent: validate a request (the requester gets an activation link)"));
  validate->add_option("ID", va->id, _("The request"))->required();
  on_parsed(*validate, ctx, va, run_validate);

  auto rj = std::make_shared<IdOptions>();
  auto* reject = noun->add_subcommand("reject", _("Référent: reject a request, saying why"));
  reject->add_option("ID", rj->id, _("The request"))->required();
  reject->add_option("--reason", rj->reason, _("Why, as the requester will read it"))
      ->required()
      ->type_name("TEXT");
  on_parsed(*reject, ctx, rj, run_reject);

  auto ac = std::make_shared<ActivateOptions>();
  auto* activate = noun->add_subcommand(
      "activate", _("Set the password of a validated account with its one-time activation token"));
  activate
      ->add_option("--token", ac->token,
                   _("The token of the activation link (one use, expires); '-' reads it from "
                     "the first line of stdin"))
      ->required()
      ->type_name("TOKEN");
  activate->add_flag("--password-stdin", ac->password_stdin,
                     _("Read the password from the first line of stdin (else asked twice "
                       "without echo)"));
  on_parsed(*activate, ctx, ac, run_activate);

  auto pr = std::make_shared<ProfileOptions>();
  auto* profile = noun->add_subcommand("profile", _("Show the profile, or change it"));
  pr->nom_given = profile->add_option("--nom", pr->nom, _("New family name"));
  pr->prenom_given = profile->add_option("--prenom", pr->prenom, _("New given name"));
  pr->telephone_given =
      profile->add_option("--telephone", pr->telephone, _("New telephone number"));
  on_parsed(*profile, ctx, pr, run_profile);

  auto gu = std::make_shared<GuichetOptions>();
  auto* guichet = noun->add_subcommand(
      "guichet", _("List your guichets, or switch to CODE (multi-guichet agents)"));
  guichet->add_option("CODE", gu->code, _("The guichet to work for from now on"));
  on_parsed(*guichet, ctx, gu, run_guichet);

  auto no = std::make_shared<NotificationOptions>();
  auto* notifications =
      noun->add_subcommand("notifications", _("Show or switch the daily notification e-mail"));
  notifications->add_option("--daily-mail", no->daily_mail, _("on or off"))
      ->check(CLI::IsMember({"on", "off"}))
      ->type_name("on|off");
  on_parsed(*notifications, ctx, no, run_notifications);
}

}  // namespace sne::cli
