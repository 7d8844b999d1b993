// sne sandbox serve|reset|outbox|advance|numeriseur|glpi|clock|seed|faults: the stand-in for the
// SNE web services and for GLPI.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include <sne/sandbox.hpp>
#include <sne/statut.hpp>
#include <sne/text.hpp>
#include <sne/timestamp.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

/// `prefix` then `message`, a text of libsne: English, and remembered in the language of
/// messages as `prefix` then the message's own translation (as Error::prefixed does).
std::string joined(std::string_view prefix, const std::string& message) {
  std::string english = std::string(prefix) + message;
  if (const std::string translated = localized(message); translated != message)
    remember_localized(english, std::string(prefix) + translated);
  return english;
}

/// The database: --db, else the sandbox the endpoint in force designates, else the default.
Result<std::string> database(const std::string& flag, Context& ctx) {
  if (!flag.empty()) {
    auto p = ctx.paths();
    if (!p) return p.error();
    auto parsed = parse_endpoint("sandbox:" + flag, **p);
    if (!parsed) return parsed.error();
    return parsed->sandbox_path;
  }
  auto ep = ctx.endpoint();
  if (!ep) return ep.error();
  if (ep->kind != EndpointInfo::Kind::embedded_sandbox)
    return Error(ErrorCode::invalid_input,
                 tr(N_("the endpoint {} is not a sandbox: give --db PATH"), ep->canonical),
                 "endpoint");
  // The embedded sandbox is created on first use, whatever the first command is.
  if (auto service = ctx.service(Auth::anonymous); !service) return service.error();
  return ep->sandbox_path;
}

struct ServeOptions {
  std::string listen = "127.0.0.1:8470";
  std::string db;
};

/// --listen: the library's HOST:PORT, its errors naming the flag ("listen '...'" becomes
/// "--listen '...'"); the subject stays "listen".
Result<SandboxServerOptions> listen_options(const std::string& listen) {
  auto o = parse_sandbox_listen(listen);
  if (o || o.error().message().rfind("listen '", 0) != 0) return o;
  return Error(o.error().code(), joined("--", o.error().message()), o.error().subject());
}

CommandResult run_serve(const ServeOptions& opts, Context& ctx) {
  auto options = listen_options(opts.listen);
  if (!options) return options.error();
  auto db = database(opts.db, ctx);
  if (!db) return db.error();
  options->db_path = *db;
  // SIGINT and SIGTERM are taken by sigwait() below: block them before the server's threads
  // start, so that they inherit the mask and only this thread sees the signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = SandboxServer::start(*options);
  if (!server) {
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    return server.error();
  }
  if (ctx.out().json())
    ctx.out().print(Json::object().set("url", (*server)->url()).set("db", *db));
  else
    ctx.out().line(fmt::format(fmt::runtime(_("Sandbox listening on {} (database {}); Ctrl-C "
                                              "stops it.")),
                               (*server)->url(), *db));
  (void)std::fflush(stdout);
  int received = 0;
  sigwait(&signals, &received);
  // Stopping waits for the requests under way and closes idle connections; a client that
  // holds its connection open cannot keep the server alive beyond the deadline, and a second
  // signal stops it at once. The database is consistent either way: each request is one
  // SQLite transaction.
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    (*server)->stop();
    (*server)->wait();
    stopped = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  const timespec slice{0, 100'000'000};
  int again = 0;
  while (!stopped && std::chrono::steady_clock::now() < deadline && again <= 0)
    again = sigtimedwait(&signals, nullptr, &slice);
  if (!stopped) {
    ctx.out().note(again > 0 ? _("second signal: stopping without waiting for open connections")
                             : _("connections still open after 5 s: stopping without them"));
    (void)std::fflush(nullptr);
    std::_Exit(again > 0 ? kExitInterrupted : kExitOk);
  }
  stopper.join();
  if (!ctx.out().json())
    ctx.out().note(
        fmt::format(fmt::runtime(_("stopped on {}")), received == SIGINT ? "SIGINT" : "SIGTERM"));
  return kExitOk;
}

struct DbOptions {
  std::string db;
  int limit = 0;
  std::string to;
};

CommandResult run_reset(const DbOptions& opts, Context& ctx) {
  auto db = database(opts.db, ctx);
  if (!db) return db.error();
  if (auto done = reset_sandbox(*db); !done) return done.error();
  // The tokens of the old database mean nothing in the new one.
  if (auto store = ctx.credentials()) (void)store->erase("sandbox:" + *db);
  if (ctx.out().json())
    ctx.out().print(Json::object().set("db", *db).set("reset", true));
  else
    ctx.out().line(fmt::format(fmt::runtime(_("Sandbox {} reset to its demo data.")), *db));
  return kExitOk;
}

CommandResult run_outbox(const DbOptions& opts, Context& ctx) {
  auto db = database(opts.db, ctx);
  if (!db) return db.error();
  auto mails = find_outbox_mails(*db, OutboxQuery{opts.to, opts.limit});
  if (!mails) return mails.error();
  const std::vector<OutboxMail>& shown = *mails;
  if (ctx.out().json()) {
    ctx.out().print_array(shown.size(), [&](std::size_t i) { return to_json(shown[i]); });
    return kExitOk;
  }
  if (shown.empty()) ctx.out().line(_("The outbox is empty."));
  for (const auto& m : shown) {
    ctx.out().line(ctx.out().paint(
        // TRANSLATORS: "#3 2025-04-18T10:00:00Z to agent@example.fr": an e-mail, when, to whom.
        fmt::format(fmt::runtime(_("#{} {} to {}")), m.id, format_timestamp(m.sent_at), m.to),
        Style::bold));
    ctx.out().line(fmt::format(fmt::runtime(_("Subject: {}")), m.subject));
    std::string_view body = m.body;
    while (!body.empty()) {
      const auto nl = body.find('\n');
      const std::string_view text = body.substr(0, nl);
      ctx.out().line(text.empty() ? std::string() : "  " + one_line(text));
      body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    }
    ctx.out().line("");
  }
  return kExitOk;
}

struct AdvanceOptions {
  std::string db;
  std::string by;
};

CommandResult run_advance(const AdvanceOptions& opts, Context& ctx) {
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  std::chrono::seconds by{0};
  if (!opts.by.empty()) {
    auto d = parse_duration(opts.by);
    if (!d) return Error(ErrorCode::invalid_input, joined("--by: ", d.error().message()), "by");
    by = *d;
  }
  auto run = advance_sandbox(*path, by);
  if (!run) return run.error();
  if (ctx.out().json()) {
    ctx.out().print(to_json(*run, by));
    return kExitOk;
  }
  if (by.count() > 0)
    ctx.out().line(
        fmt::format(fmt::runtime(_("Sandbox clock moved forward by {}.")), format_duration(by)));
  if (run->transactions.empty()) {
    ctx.out().line(_("The numériseur had no pli waiting."));
    return kExitOk;
  }
  ctx.out().line(fmt::format(
      // TRANSLATORS: the three outcomes are the SNE's statuts, in French in every language.
      fmt::runtime(P_("The numériseur processed {} pli: {} enregistrement complet, {} rejet de "
                      "pièces, {} rejet du dossier.",
                      "The numériseur processed {} plis: {} enregistrement complet, {} rejet de "
                      "pièces, {} rejet du dossier.",
                      run->transactions.size())),
      human_number(run->transactions.size()), human_number(run->complete),
      human_number(run->rejet_pieces), human_number(run->rejet_dossier)));
  for (const auto& t : run->transactions) ctx.out().line("  " + t);
  return kExitOk;
}

struct NumeriseurOptions {
  std::string db;
  std::string delay;
};

CommandResult run_numeriseur(const NumeriseurOptions& opts, Context& ctx) {
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  std::optional<std::chrono::seconds> delay;
  if (!opts.delay.empty()) {
    auto d = parse_duration(opts.delay);
    if (!d)
      return Error(ErrorCode::invalid_input, joined("--delay: ", d.error().message()), "delay");
    delay = *d;
  }
  auto state = sandbox_numeriseur(*path, delay);
  if (!state) return state.error();
  if (ctx.out().json()) {
    ctx.out().print(to_json(*state));
    return kExitOk;
  }
  ctx.out().line(
      fmt::format(fmt::runtime(_("The numériseur processes each pli {} after its transmission.")),
                  format_duration(state->delay)));
  const std::string waiting =
      fmt::format(fmt::runtime(P_("{} pli waiting", "{} plis waiting", state->waiting)),
                  human_number(state->waiting));
  const std::string stuck =
      fmt::format(fmt::runtime(P_("{} seeded pli stuck (never processed)",
                                  "{} seeded plis stuck (never processed)", state->stuck)),
                  human_number(state->stuck));
  // TRANSLATORS: "3 plis waiting; 1 seeded pli stuck (never processed)."
  ctx.out().line(fmt::format(fmt::runtime(_("{}; {}.")), waiting, stuck));
  return kExitOk;
}

struct GlpiOptions {
  std::string db;
  std::string session_ttl;    ///< --session-ttl: seconds, or a duration (24m)
  std::string session_calls;  ///< --session-calls
  std::string max_upload;     ///< --max-upload: bytes
};

/// A whole number of `option`, or invalid_input naming the option: `message` (N_-marked) says
/// "{option}: '{text}' is not ...".
Result<std::uint64_t> whole_number(const std::string& text, const char* option,
                                   const char* message) {
  if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
    return Error(ErrorCode::invalid_input, tr(message, option, printable(text, 40)), option + 2);
  return std::stoull(text);
}

/// "24m (1440 s)".
std::string seconds_text(std::chrono::seconds s) {
  return fmt::format("{} ({} s)", format_duration(s), human_number(s.count()));
}

/// A library error about `member` of a change, named by its option instead: "--latency: ...".
template <std::size_t N>
Error by_option(const Error& error, const std::pair<const char*, const char*> (&options)[N]) {
  for (const auto& [member, option] : options)
    if (error.subject() == member) {
      Error named(error.code(), error.message(), option + 2);
      named.prefixed(option);
      return named;
    }
  return error;
}

CommandResult run_glpi(const GlpiOptions& opts, Context& ctx) {
  SandboxGlpiChange change;
  if (!opts.session_ttl.empty()) {
    auto d = parse_duration(opts.session_ttl);
    if (!d)
      return Error(ErrorCode::invalid_input, joined("--session-ttl: ", d.error().message()),
                   "session-ttl");
    change.session_ttl = *d;
  }
  if (!opts.session_calls.empty()) {
    auto n = whole_number(opts.session_calls, "--session-calls",
                          N_("{}: '{}' is not a number of calls (0: no limit)"));
    if (!n) return n.error();
    change.session_calls = static_cast<int>(std::min<std::uint64_t>(*n, 2000000000));
  }
  if (!opts.max_upload.empty()) {
    auto n = whole_number(opts.max_upload, "--max-upload", N_("{}: '{}' is not a number of bytes"));
    if (!n) return n.error();
    change.max_upload = *n;
  }
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  auto state = sandbox_glpi(*path, change);
  if (!state) {
    // Name the option rather than the library's member.
    static constexpr std::pair<const char*, const char*> kOptions[] = {
        {"session_ttl", "--session-ttl"},
        {"session_calls", "--session-calls"},
        {"max_upload", "--max-upload"}};
    return by_option(state.error(), kOptions);
  }
  if (ctx.out().json()) {
    ctx.out().print(to_json(*state));
    return kExitOk;
  }
  ctx.out().line(
      fmt::format(fmt::runtime(_("GLPI sessions expire after {} unused, on the sandbox's clock.")),
                  seconds_text(state->session_ttl)));
  ctx.out().line(state->session_calls == 0
                     ? std::string(_("A session serves any number of calls."))
                     : fmt::format(fmt::runtime(P_("A session serves {} call, then is invalid.",
                                                   "A session serves {} calls, then is invalid.",
                                                   state->session_calls)),
                                   human_number(state->session_calls)));
  ctx.out().line(fmt::format(
      fmt::runtime(P_("Document uploads take files of up to {} byte.",
                      "Document uploads take files of up to {} bytes.", state->max_upload)),
      human_number(state->max_upload)));
  const std::string sessions =
      fmt::format(fmt::runtime(P_("{} open session", "{} open sessions", state->open_sessions)),
                  human_number(state->open_sessions));
  const std::string tickets = fmt::format(
      fmt::runtime(P_("{} ticket", "{} tickets", state->tickets)), human_number(state->tickets));
  const std::string documents =
      fmt::format(fmt::runtime(P_("{} document", "{} documents", state->documents)),
                  human_number(state->documents));
  ctx.out().line(fmt::format("{}, {}, {}.", sessions, tickets, documents));
  return kExitOk;
}

struct ClockOptions {
  std::string db;
  std::string instant;  ///< clock set
};

/// A distance between clocks, to the hour beyond a day, to the minute beyond an hour: a fixed
/// clock drifts from the system's every second.
std::string rounded(std::chrono::seconds d) {
  const auto s = d.count();
  const std::int64_t unit = s >= 86400 ? 3600 : s >= 3600 ? 60 : 1;
  return format_duration(std::chrono::seconds((s + unit / 2) / unit * unit));
}

/// "2025-04-18T10:00:00Z, fixed (583d10h behind the system clock)".
std::string describe(const SandboxClock& c) {
  const auto off = c.offset.count();
  std::string where = _("on the system clock");
  if (off > 0)
    where = fmt::format(fmt::runtime(_("{} ahead of the system clock")), rounded(c.offset));
  if (off < 0)
    where = fmt::format(fmt::runtime(_("{} behind the system clock")), rounded(-c.offset));
  return fmt::format(fmt::runtime(c.fixed ? _("{}, fixed ({})") : _("{}, auto ({})")),
                     format_timestamp(c.now), where);
}

/// The clock, or its error; `line` (translated) says "...: {}." with describe()'s text.
CommandResult print_clock(const Result<SandboxClock>& clock, const char* line, Context& ctx) {
  if (!clock) return clock.error();
  if (ctx.out().json()) {
    ctx.out().print(to_json(*clock));
    return kExitOk;
  }
  ctx.out().line(fmt::format(fmt::runtime(line), describe(*clock)));
  return kExitOk;
}

CommandResult run_clock_show(const ClockOptions& opts, Context& ctx) {
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  return print_clock(sandbox_clock(*path), _("Sandbox clock: {}."), ctx);
}

CommandResult run_clock_set(const ClockOptions& opts, Context& ctx) {
  auto at = parse_sandbox_instant(opts.instant);
  if (!at) return at.error();
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  return print_clock(set_sandbox_clock(*path, *at), _("Sandbox clock set: {}."), ctx);
}

CommandResult run_clock_auto(const ClockOptions& opts, Context& ctx) {
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  return print_clock(auto_sandbox_clock(*path), _("Sandbox clock released: {}."), ctx);
}

struct SeedOptions {
  std::string db;
  SeedPlisOptions plis;
  int demandes = 0;     ///< --demandes N: demandes instead of plis
  std::string guichet;  ///< --guichet: empty for each mode's default
};

CommandResult run_seed_demandes(const SeedOptions& opts, Context& ctx) {
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  SeedDemandesOptions o;
  o.count = opts.demandes;
  o.guichet = opts.guichet;
  auto seeded = seed_sandbox_demandes(*path, o);
  if (!seeded) return seeded.error();
  const auto& numeros = seeded->numeros;
  if (ctx.out().json()) {
    ctx.out().print_array(numeros.size(), [&numeros](std::size_t i) { return Json(numeros[i]); });
    return kExitOk;
  }
  std::string block;
  for (const auto& n : numeros) {
    block += n;
    block += '\n';
  }
  (void)std::fwrite(block.data(), 1, block.size(), stdout);
  ctx.out().note(fmt::format(
      fmt::runtime(P_("added {} demande in territory {} (guichet {}), none radiated, with room in "
                      "every category",
                      "added {} demandes in territory {} (guichet {}), none radiated, with room "
                      "in every category",
                      numeros.size())),
      human_number(numeros.size()), seeded->territoire, seeded->guichet));
  return kExitOk;
}

CommandResult run_seed(const SeedOptions& opts, Context& ctx) {
  if (opts.demandes > 0) return run_seed_demandes(opts, ctx);
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  SeedPlisOptions plis = opts.plis;
  if (!opts.guichet.empty()) plis.guichet = opts.guichet;
  auto seeded = seed_sandbox_plis(*path, plis);
  if (!seeded) return seeded.error();
  if (ctx.out().json()) {
    ctx.out().print(to_json(*seeded));
    return kExitOk;
  }
  ctx.out().line(fmt::format(
      fmt::runtime(P_("Added {} pli for guichet {}, transmitted from {} to {}.",
                      "Added {} plis for guichet {}, transmitted from {} to {}.", seeded->added)),
      human_number(seeded->added), seeded->guichet, format_timestamp(seeded->first),
      format_timestamp(seeded->last)));
  for (const auto& s : statuts()) {
    const auto n = seeded->by_statut.find(s.value);
    if (n != seeded->by_statut.end())
      ctx.out().line(fmt::format("  {:>7}  {}", human_number(n->second), s.label));
  }
  ctx.out().line(fmt::format(
      fmt::runtime(P_("Sent to {} demande of territory {} ({} new); their pieces are not filed in "
                      "the demandes.",
                      "Sent to {} demandes of territory {} ({} new); their pieces are not filed "
                      "in the demandes.",
                      seeded->demandes)),
      human_number(seeded->demandes), seeded->territoire, human_number(seeded->demandes_created)));
  return kExitOk;
}

struct FaultsOptions {
  std::string db;
  bool off = false;
  std::string error_rate, error_status, retry_after, latency, drop_rate, drop_when, rate_limit;
};

/// A number of `option`, or invalid_input naming the option: `message` (N_-marked) says
/// "{option}: '{text}' is not ...".
Result<double> decimal(const std::string& text, const char* option, const char* message) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    return Error(ErrorCode::invalid_input, tr(message, option, printable(text, 40)), option + 2);
  return v;
}

Result<SandboxFaultsChange> faults_change(const FaultsOptions& o) {
  SandboxFaultsChange c;
  c.off = o.off;
  if (!o.error_rate.empty()) {
    auto v = decimal(o.error_rate, "--error-rate", N_("{}: '{}' is not a fraction from 0 to 1"));
    if (!v) return v.error();
    c.error_rate = *v;
  }
  if (!o.error_status.empty()) {
    auto v = whole_number(o.error_status, "--error-status", N_("{}: '{}' is not an HTTP status"));
    if (!v) return v.error();
    c.error_status = static_cast<int>(std::min<std::uint64_t>(*v, 1000));
  }
  if (!o.retry_after.empty()) {
    auto v =
        whole_number(o.retry_after, "--retry-after", N_("{}: '{}' is not a number of seconds"));
    if (!v) return v.error();
    c.retry_after = std::chrono::seconds(std::min<std::uint64_t>(*v, 1000000));
  }
  if (!o.latency.empty()) {
    auto v = whole_number(o.latency, "--latency", N_("{}: '{}' is not a number of milliseconds"));
    if (!v) return v.error();
    c.latency = std::chrono::milliseconds(std::min<std::uint64_t>(*v, 100000000));
  }
  if (!o.drop_rate.empty()) {
    auto v = decimal(o.drop_rate, "--drop-rate", N_("{}: '{}' is not a fraction from 0 to 1"));
    if (!v) return v.error();
    c.drop_rate = *v;
  }
  if (!o.drop_when.empty()) {
    for (auto d : {SandboxDrop::before, SandboxDrop::after, SandboxDrop::either})
      if (o.drop_when == to_string(d)) c.drop_when = d;
    if (!c.drop_when)
      return Error(
          ErrorCode::invalid_input,
          tr(N_("--drop-when: '{}' is not before, after or either"), printable(o.drop_when, 40)),
          "drop-when");
  }
  if (!o.rate_limit.empty()) {
    auto v = decimal(o.rate_limit, "--rate-limit", N_("{}: '{}' is not a number of plis a second"));
    if (!v) return v.error();
    c.rate_limit = *v;
  }
  return c;
}

CommandResult run_faults(const FaultsOptions& opts, Context& ctx) {
  auto change = faults_change(opts);
  if (!change) return change.error();
  auto path = database(opts.db, ctx);
  if (!path) return path.error();
  auto knobs = sandbox_faults(*path, *change);
  if (!knobs) {
    // Name the option rather than the library's member.
    static constexpr std::pair<const char*, const char*> kOptions[] = {
        {"error_rate", "--error-rate"},   {"error_status", "--error-status"},
        {"retry_after", "--retry-after"}, {"latency", "--latency"},
        {"drop_rate", "--drop-rate"},     {"rate_limit", "--rate-limit"}};
    return by_option(knobs.error(), kOptions);
  }
  const SandboxFaults& k = *knobs;
  if (ctx.out().json()) {
    ctx.out().print(to_json(k));
    return kExitOk;
  }
  if (!k.any()) {
    ctx.out().line(_("No faults: the sandbox answers every request as it should."));
    return kExitOk;
  }
  ctx.out().line(_("Faults played on the requests of /v1/ (sign-in and GLPI exempt):"));
  Table t({"", ""});
  // TRANSLATORS: the value of a knob of sandbox faults that is off (errors, latency, drops,
  // rate limit).
  const std::string none = _("none");
  const std::string retry =
      k.retry_after.count() > 0 ? fmt::format(", Retry-After: {}", k.retry_after.count()) : "";
  t.add({_("errors"),
         k.error_rate > 0
             // TRANSLATORS: "0.25 of requests answered 503, Retry-After: 2, nothing done".
             ? fmt::format(fmt::runtime(_("{} of requests answered {}{}, nothing done")),
                           human_general(k.error_rate), k.error_status, retry)
             : none});
  t.add({_("latency"), k.latency.count() > 0
                           ? fmt::format(fmt::runtime(_("every answer delayed {} ms")),
                                         human_number(k.latency.count()))
                           : none});
  t.add({_("drops"),
         k.drop_rate > 0
             ? fmt::format(fmt::runtime(_("{} of connections closed without an answer, {}")),
                           human_general(k.drop_rate),
                           k.drop_when == SandboxDrop::before  ? _("before processing")
                           : k.drop_when == SandboxDrop::after ? _("after processing (committed)")
                                                               : _("before or after processing"))
             : none});
  t.add({_("rate limit"), k.rate_limit > 0
                              ? fmt::format(fmt::runtime(_("{} pli creations a second, then 429")),
                                            human_general(k.rate_limit))
                              : none});
  t.print(ctx.out());
  return kExitOk;
}

}  // namespace

void setup_sandbox(CLI::App& root, Context& ctx) {
  auto* noun =
      add_noun(root, "sandbox",
               _("The embedded sandbox: serve it over HTTP, reset it, read the e-mails "
                 "it sent, drive its numériseur, its GLPI and its clock, add plis and demandes "
                 "in volume, play faults"));

  auto s = std::make_shared<ServeOptions>();
  auto* serve = noun->add_subcommand("serve", _("Serve the sandbox over HTTP on loopback"));
  serve->add_option("--listen", s->listen, _("Loopback address and port (port 0: any free port)"))
      ->type_name("HOST:PORT")
      ->capture_default_str();
  serve
      ->add_option("--db", s->db,
                   _("Sandbox database (default: the endpoint's, else "
                     "$XDG_DATA_HOME/sne/sandbox.db)"))
      ->type_name("PATH");
  on_parsed(*serve, ctx, s, run_serve);

  auto r = std::make_shared<DbOptions>();
  auto* reset = noun->add_subcommand("reset", _("Delete the sandbox's data and seed it anew"));
  reset->add_option("--db", r->db, _("Sandbox database"))->type_name("PATH");
  on_parsed(*reset, ctx, r, run_reset);

  auto o = std::make_shared<DbOptions>();
  auto* outbox = noun->add_subcommand(
      "outbox", _("Show the e-mails the sandbox sent (activation links, notifications)"));
  outbox->add_option("--db", o->db, _("Sandbox database"))->type_name("PATH");
  outbox->add_option("--limit", o->limit, _("Only the last N e-mails"))
      ->type_name("N")
      ->check(CLI::Range(1, 1000000));
  outbox->add_option("--to", o->to, _("Only the e-mails sent to this address"))->type_name("EMAIL");
  on_parsed(*outbox, ctx, o, run_outbox);

  auto a = std::make_shared<AdvanceOptions>();
  auto* advance = noun->add_subcommand(
      "advance",
      _("Have the numériseur process every waiting pli now (optionally move the clock)"));
  advance->add_option("--db", a->db, _("Sandbox database"))->type_name("PATH");
  advance
      ->add_option("--by", a->by,
                   _("Move the sandbox clock forward by this much first (90s, 5m, 2h, 3d)"))
      ->type_name("DURATION");
  on_parsed(*advance, ctx, a, run_advance);

  auto n = std::make_shared<NumeriseurOptions>();
  auto* numeriseur =
      noun->add_subcommand("numeriseur", _("Show the numériseur's delay and queue; set the delay"));
  numeriseur->add_option("--db", n->db, _("Sandbox database"))->type_name("PATH");
  numeriseur
      ->add_option("--delay", n->delay,
                   _("Process each pli this long after its transmission (0s to 24h; default 1m)"))
      ->type_name("DURATION");
  on_parsed(*numeriseur, ctx, n, run_numeriseur);

  auto g = std::make_shared<GlpiOptions>();
  auto* glpi = noun->add_subcommand(
      "glpi",
      _("Show the sandbox GLPI's knobs and counters; set session lifetime, calls, upload size"));
  glpi->add_option("--db", g->db, _("Sandbox database"))->type_name("PATH");
  glpi->add_option(
          "--session-ttl", g->session_ttl,
          _("Sessions unused this long expire: seconds or 24m, 1 s to 30 days (default 1440)"))
      ->type_name("SECONDS");
  glpi->add_option("--session-calls", g->session_calls,
                   _("Sessions are invalid after N authenticated calls; 0: never (default)"))
      ->type_name("N");
  glpi->add_option("--max-upload", g->max_upload,
                   _("Largest file a Document upload accepts, in bytes (default 10485760)"))
      ->type_name("BYTES");
  on_parsed(*glpi, ctx, g, run_glpi);

  auto c = std::make_shared<ClockOptions>();
  auto* clock = noun->add_subcommand(
      "clock", _("Show the sandbox's clock; set it to an instant, or back to the system clock"));
  clock->require_subcommand(0, 1);
  clock->add_option("--db", c->db, _("Sandbox database"))->type_name("PATH");
  // Without a verb, `clock` shows the clock; its callback runs after its verb's, if any.
  clock->callback([clock, &ctx, c] {
    if (clock->get_subcommands().empty())
      ctx.command = [&ctx, c] { return run_clock_show(*c, ctx); };
  });
  auto* clock_set = clock->add_subcommand(
      "set", _("Stop the sandbox's clock at an instant, forwards or backwards"));
  clock_set
      ->add_option("INSTANT", c->instant,
                   _("2025-04-18T10:00:00Z, or a date alone (2025-04-18) for 00:00 UTC"))
      ->required();
  clock_set->add_option("--db", c->db, _("Sandbox database"))->type_name("PATH");
  on_parsed(*clock_set, ctx, c, run_clock_set);
  auto* clock_auto =
      clock->add_subcommand("auto", _("Put the sandbox's clock back on the system clock"));
  clock_auto->add_option("--db", c->db, _("Sandbox database"))->type_name("PATH");
  on_parsed(*clock_auto, ctx, c, run_clock_auto);

  auto v = std::make_shared<SeedOptions>();
  auto* seed = noun->add_subcommand(
      "seed",
      _("Add plis in volume for the tableau de bord, or new empty demandes for volume tests"));
  seed->add_option("--db", v->db, _("Sandbox database"))->type_name("PATH");
  auto* plis = seed->add_option("--plis", v->plis.count, _("Add N plis, 1 to 1000000"))
                   ->type_name("N")
                   ->check(CLI::Range(1, 1000000));
  seed->add_option("--demandes", v->demandes,
                   _("Add N demandes with room in every category, 1 to 1000000; prints their "
                     "numéros uniques"))
      ->type_name("N")
      ->check(CLI::Range(1, 1000000))
      ->excludes(plis);
  seed->add_option("--guichet", v->guichet,
                   _("The guichet that sent the plis (default G3401), or in whose territory the "
                     "demandes are (default: the demo agent's current guichet)"))
      ->type_name("CODE");
  seed->add_option("--days", v->plis.days,
                   _("Plis transmitted over the last D days of the sandbox clock, 1 to 3650"))
      ->type_name("D")
      ->check(CLI::Range(1, 3650))
      ->capture_default_str()
      ->needs(plis);
  seed->callback([&ctx, v, seed] {
    if (seed->count("--plis") == 0 && seed->count("--demandes") == 0)
      throw CLI::RequiredError(tr(N_("--plis N or --demandes N is required")),
                               CLI::ExitCodes::RequiredError);
    ctx.command = [&ctx, v] { return run_seed(*v, ctx); };
  });

  auto f = std::make_shared<FaultsOptions>();
  auto* faults = noun->add_subcommand(
      "faults",
      _("Show or set the faults the sandbox plays on the web service: errors, latency, dropped "
        "connections, a rate limit of plis"));
  faults->add_option("--db", f->db, _("Sandbox database"))->type_name("PATH");
  faults
      ->add_option("--error-rate", f->error_rate,
                   _("Answer this fraction of requests (0 to 1) with --error-status, doing "
                     "nothing"))
      ->type_name("R");
  faults
      ->add_option("--error-status", f->error_status,
                   _("The status of those answers: 408, 429, 500, 502, 503 (default) or 504"))
      ->type_name("CODE");
  faults
      ->add_option("--retry-after", f->retry_after,
                   _("Send Retry-After: S with those answers, 0 to 3600 (default 0: none)"))
      ->type_name("S");
  faults
      ->add_option("--latency", f->latency, _("Delay every answer by MS milliseconds, 0 to 60000"))
      ->type_name("MS");
  faults
      ->add_option("--drop-rate", f->drop_rate,
                   _("Close this fraction of connections (0 to 1) without an answer"))
      ->type_name("R");
  faults
      ->add_option("--drop-when", f->drop_when,
                   _("Drop before the request is processed, after it is committed (default), "
                     "or either"))
      ->type_name("WHEN");
  faults
      ->add_option("--rate-limit", f->rate_limit,
                   _("Answer 429 past this many pli creations a second, across clients; 0: none"))
      ->type_name("PLIS_PER_S");
  faults->add_flag("--off", f->off, _("Clear every knob first: no faults"));
  on_parsed(*faults, ctx, f, run_faults);
}

}  // namespace sne::cli
