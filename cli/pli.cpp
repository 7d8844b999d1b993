// sne pli list|show|watch|stats: the tableau de bord in a terminal.
//
// Times are printed in UTC ("2026-11-22 16:49"); the numériseur's deadline is reckoned in the
// legal time of each demande's territory (libsne's sne/tracking.hpp), on the service's clock.
#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include <sne/contexte.hpp>
#include <sne/numero.hpp>
#include <sne/records_json.hpp>
#include <sne/text.hpp>
#include <sne/tracking.hpp>

#include "commands.hpp"
#include "interrupt.hpp"

namespace sne::cli {

namespace {

/// "2026-11-22 16:49", UTC.
std::string when(Timestamp t) {
  const std::string iso = format_timestamp(t);
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

std::string jours(long n) { return fmt::format("{} j.o.", n); }

Json sla_json(const PliSla& s) {
  return Json::object()
      .set("zone", std::string(to_string(s.zone)))
      .set("sent", s.sent.iso())
      .set("due", s.due.iso())
      .set("done", s.done ? Json(s.done->iso()) : Json())
      .set("elapsed_jours_ouvres", s.elapsed)
      .set("days_late", s.days_late)
      .set("overdue", s.overdue)
      .set("late", s.late);
}

Json summary_json(const PliSummary& p, Timestamp now) {
  return to_json(p)
      .set("statut_label", std::string(info(p.statut).label))
      .set("sla", sla_json(pli_sla(p, now)));
}

/// What the DÉLAI column says: the due day of a pli en cours, its delay once overdue, the time
/// a processed pli took.
std::pair<std::string, Style> delay_cell(const PliSummary& p, const PliSla& s) {
  if (s.overdue) return {fmt::format("en retard +{}", jours(s.days_late)), Style::bad};
  if (!s.done) return {fmt::format("échéance {}", s.due.iso()), Style::plain};
  if (p.statut == StatutPli::non_applicable) return {"", Style::plain};
  if (s.late) return {fmt::format("{} (+{})", jours(s.elapsed), s.days_late), Style::warn};
  return {jours(s.elapsed), Style::dim};
}

Style statut_style(StatutPli s) {
  if (s == StatutPli::enregistrement_complet) return Style::ok;
  if (info(s).rejected) return Style::bad;
  return Style::plain;
}

/// --since/--until: a day (00:00 UTC; --until takes the whole day) or an exact time, from
/// 1970 to 2199 (a Timestamp counts nanoseconds: it ends in 2262).
Result<Timestamp> bound(const std::string& text, const char* flag, bool end_of_day) {
  std::optional<Timestamp> t;
  if (auto d = Date::parse(text)) {
    if (d->year() >= 1970 && d->year() < 2200)
      t = Timestamp(
          std::chrono::seconds(static_cast<long long>(d->days() + (end_of_day ? 1 : 0)) * 86400));
  } else if (auto exact = parse_timestamp(text)) {
    if (format_timestamp(*exact) < "2200") t = *exact;
  } else {
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{} '{}': expected YYYY-MM-DD or an ISO 8601 time", flag, one_line(text)),
        flag);
  }
  if (!t)
    return Error(ErrorCode::invalid_input,
                 fmt::format("{} '{}': out of range (1970 to 2199)", flag, one_line(text)), flag);
  return *t;
}

// ---- list ---------------------------------------------------------------------------------

struct ListOptions {
  std::string statut, numero, contexte, since, until;
  bool overdue = false;
  std::size_t limit = 50;
  bool all = false;
  bool csv = false;
};

Result<PliQuery> query_of(const std::string& statut, const std::string& numero,
                          const std::string& contexte, const std::string& since,
                          const std::string& until) {
  PliQuery q;
  if (!statut.empty()) {
    auto s = parse_statut(statut);
    if (!s) return Error(s.error()).prefixed("--statut");
    q.statut = *s;
  }
  if (!numero.empty()) {
    auto n = NumeroUnique::parse(numero);
    if (!n) return Error(n.error()).prefixed(fmt::format("numéro unique '{}'", one_line(numero)));
    q.numero_unique = n->str();
  }
  if (!contexte.empty()) {
    auto c = parse_contexte(contexte);
    if (!c) return Error(c.error()).prefixed("--contexte");
    q.contexte = *c;
  }
  if (!since.empty()) {
    auto t = bound(since, "--since", false);
    if (!t) return t.error();
    q.since = *t;
  }
  if (!until.empty()) {
    auto t = bound(until, "--until", true);
    if (!t) return t.error();
    q.until = *t;
  }
  if (q.since && q.until && *q.until <= *q.since)
    return Error(ErrorCode::invalid_input, "--until is before --since", "--until");
  return q;
}

const std::vector<std::string> kCsvColumns{
    "transaction", "numero_unique", "guichet", "contexte", "statut",   "date_transmission",
    "date_statut", "nb_pieces",     "sla_due", "overdue",  "days_late"};

CommandResult run_list(const ListOptions& o, Context& ctx) {
  if (o.csv && ctx.out().json()) {
    ctx.out().usage_error("--csv and --json cannot be used together", "choose one format");
    return kExitUsage;
  }
  auto q = query_of(o.statut, o.numero, o.contexte, o.since, o.until);
  if (!q) return q.error();
  q->overdue_only = o.overdue;
  q->max = o.all ? 0 : o.limit;
  auto service = ctx.service();
  if (!service) return service.error();
  const bool progress = !ctx.out().json() && !o.csv && o.all && ctx.verbose();
  auto list = list_plis(**service, *q, [&](std::size_t kept) {
    if (progress) ctx.out().note(fmt::format("{} plis…", kept));
  });
  if (!list) return list.error();
  const auto& items = list->items;
  const Timestamp now = list->now;

  if (ctx.out().json()) {
    ctx.out().print_array(items.size(), [&](std::size_t i) { return summary_json(items[i], now); });
  } else if (o.csv) {
    std::string out = csv_record(kCsvColumns);
    for (const auto& p : items) {
      const PliSla s = pli_sla(p, now);
      out +=
          csv_record({p.transaction, p.numero_unique, p.guichet, std::string(info(p.contexte).code),
                      std::string(info(p.statut).code), format_timestamp(p.date_transmission),
                      format_timestamp(p.date_statut), std::to_string(p.nb_pieces), s.due.iso(),
                      s.overdue ? "true" : "false", std::to_string(s.overdue ? s.days_late : 0)});
    }
    (void)std::fwrite(out.data(), 1, out.size(), stdout);
  } else if (items.empty()) {
    ctx.out().note("no pli matches");
  } else {
    Table table({"TRANSACTION", "N° UNIQUE", "TRANSMIS (UTC)", "STATUT", "DATE STATUT", "CONTEXTE",
                 "DÉLAI"});
    for (const auto& p : items) {
      const PliSla s = pli_sla(p, now);
      auto [delay, delay_style] = delay_cell(p, s);
      table.add({p.transaction, p.numero_unique, when(p.date_transmission),
                 std::string(info(p.statut).label), when(p.date_statut),
                 std::string(info(p.contexte).label), delay},
                {Style::bold, Style::plain, Style::plain, statut_style(p.statut), Style::plain,
                 Style::plain, delay_style});
    }
    table.print(ctx.out());
  }
  if (list->more && !ctx.out().json())
    ctx.out().note(fmt::format("the first {} plis; more match: --limit N or --all", items.size()));
  return kExitOk;
}

// ---- show ---------------------------------------------------------------------------------

struct ShowOptions {
  std::string transaction;
};

CommandResult run_show(const ShowOptions& o, Context& ctx) {
  auto service = ctx.service();
  if (!service) return service.error();
  auto pli = (*service)->pli(o.transaction);
  if (!pli) return pli.error();
  const Timestamp now = (*service)->server_time();
  const PliSummary& r = pli->resume;
  const PliSla s = pli_sla(r, now);
  if (ctx.out().json()) {
    ctx.out().print(to_json(*pli)
                        .set("statut_label", std::string(info(r.statut).label))
                        .set("sla", sla_json(s)));
    return kExitOk;
  }
  const Output& out = ctx.out();
  auto numero = NumeroUnique::parse(r.numero_unique);
  out.line(fmt::format("Pli {} — demande {}{}", out.paint(r.transaction, Style::bold),
                       one_line(r.numero_unique),
                       numero ? fmt::format(" ({})", numero->territoire().name) : ""));
  Table facts({"", ""});
  facts.add({"Statut", fmt::format("{} (le {} UTC)", info(r.statut).label, when(r.date_statut))},
            {Style::plain, statut_style(r.statut)});
  facts.add({"Contexte", std::string(info(r.contexte).label)});
  facts.add({"Guichet", r.guichet});
  facts.add({"Transmis", fmt::format("{} UTC", when(r.date_transmission))});
  facts.add({"Échéance", fmt::format("{} ({} jours ouvrés, calendrier {})", s.due.iso(),
                                     kSlaJoursOuvres, to_string(s.zone))});
  std::string delay;
  Style delay_style = Style::plain;
  if (s.overdue) {
    delay = fmt::format("EN RETARD de {} jour{} ouvré{}", s.days_late, s.days_late > 1 ? "s" : "",
                        s.days_late > 1 ? "s" : "");
    delay_style = Style::bad;
  } else if (!s.done) {
    delay = fmt::format("en cours depuis {} jour{} ouvré{}, dans les délais", s.elapsed,
                        s.elapsed > 1 ? "s" : "", s.elapsed > 1 ? "s" : "");
  } else if (r.statut != StatutPli::non_applicable) {
    delay = fmt::format("traité en {} jour{} ouvré{}{}", s.elapsed, s.elapsed > 1 ? "s" : "",
                        s.elapsed > 1 ? "s" : "",
                        s.late ? fmt::format(", hors délai de {}", jours(s.days_late))
                               : std::string(", dans les délais"));
    if (s.late) delay_style = Style::warn;
  }
  if (!delay.empty()) facts.add({"Délai", delay}, {Style::plain, delay_style});
  facts.print(out);

  out.line("");
  out.line(out.paint(fmt::format("Pièces ({})", pli->pieces.size()), Style::bold));
  Table pieces({"#", "TYPE", "FICHIER", "TAILLE", "RÉSULTAT", "MOTIF"});
  std::size_t n = 0;
  for (const auto& p : pli->pieces) {
    const Style st = p.resultat == PieceOutcome::rejetee    ? Style::bad
                     : p.resultat == PieceOutcome::acceptee ? Style::ok
                                                            : Style::plain;
    pieces.add({std::to_string(++n), p.type, p.nom_fichier, format_size(p.taille),
                std::string(to_string(p.resultat)), p.motif},
               {Style::plain, Style::plain, Style::plain, Style::plain, st, Style::plain});
  }
  pieces.print(out);

  out.line("");
  out.line(out.paint("Historique", Style::bold));
  Table history({"DATE (UTC)", "STATUT"});
  for (const auto& h : pli->historique)
    history.add({when(h.date), std::string(info(h.statut).label)},
                {Style::plain, statut_style(h.statut)});
  history.print(out);
  return kExitOk;
}

// ---- watch --------------------------------------------------------------------------------

struct WatchCliOptions {
  std::vector<std::string> transactions;
  std::string timeout;
  std::string interval = "5s";
  bool jsonl = false;
};

Json event_json(const WatchEvent& e) {
  const PliSummary& r = e.pli.resume;
  return Json::object()
      .set("transaction", r.transaction)
      .set("numero_unique", r.numero_unique)
      .set("statut", std::string(info(r.statut).code))
      .set("previous", e.previous ? Json(std::string(info(*e.previous).code)) : Json())
      .set("date_statut", format_timestamp(r.date_statut))
      .set("final", info(r.statut).final);
}

std::string_view outcome_name(WatchOutcome o) {
  switch (o) {
    case WatchOutcome::complete: return "complete";
    case WatchOutcome::rejected: return "rejected";
    case WatchOutcome::timeout: return "timeout";
    case WatchOutcome::cancelled: return "cancelled";
  }
  return "";
}

CommandResult run_watch(const WatchCliOptions& o, Context& ctx) {
  if (o.jsonl && ctx.out().json()) {
    ctx.out().usage_error("--jsonl and --json cannot be used together",
                          "--jsonl streams the changes, --json prints the outcome at the end");
    return kExitUsage;
  }
  WatchOptions options;
  if (!o.timeout.empty()) {
    auto t = parse_duration(o.timeout);
    if (!t) return Error(t.error()).prefixed("--timeout");
    options.timeout = *t;
  }
  auto interval = parse_duration(o.interval);
  if (!interval) return Error(interval.error()).prefixed("--interval");
  if (*interval < std::chrono::seconds(1))
    return Error(ErrorCode::invalid_input, "--interval: at least 1s, not to hammer the service",
                 "--interval");
  options.interval = *interval;
  options.max_interval = std::max<std::chrono::milliseconds>(std::chrono::minutes(1), *interval);
  std::vector<std::string> transactions;
  std::set<std::string> seen;
  for (const auto& t : expand_stdin(o.transactions))
    if (seen.insert(t).second) transactions.push_back(t);

  auto service = ctx.service();
  if (!service) return service.error();
  InterruptGuard interrupt;
  options.cancelled = [] { return InterruptGuard::interrupted(); };
  const Output& out = ctx.out();
  options.on_retry = [&](const Error& e) {
    if (!out.json() && !o.jsonl) out.warning(fmt::format("{}; trying again", e.message()));
  };
  auto result = watch_plis(**service, transactions, options, [&](const WatchEvent& e) {
    if (o.jsonl) {
      (void)std::fputs((event_json(e).dump(-1) + "\n").c_str(), stdout);
      (void)std::fflush(stdout);
    } else if (!out.json()) {
      const PliSummary& r = e.pli.resume;
      out.line(
          fmt::format("{}  {}  {}{}", when(r.date_statut), out.paint(r.transaction, Style::bold),
                      e.previous ? fmt::format("{} → ", info(*e.previous).label) : std::string(),
                      out.paint(info(r.statut).label, statut_style(r.statut))));
      (void)std::fflush(stdout);
    }
  });
  if (!result) return result.error();
  std::size_t complete = 0, rejected = 0, pending = 0;
  for (const auto& p : result->plis) {
    if (p.resume.statut == StatutPli::enregistrement_complet)
      ++complete;
    else if (info(p.resume.statut).final)
      ++rejected;
    else
      ++pending;
  }
  if (out.json()) {
    Json plis = Json::array();
    for (const auto& p : result->plis) plis.push(to_json(p));
    out.print(Json::object()
                  .set("outcome", std::string(outcome_name(result->outcome)))
                  .set("plis", std::move(plis)));
  } else if (!o.jsonl) {
    out.note(fmt::format("{} pli{}: {} enregistré{}, {} rejeté{} ou non applicable{}, {} en cours",
                         result->plis.size(), result->plis.size() > 1 ? "s" : "", complete,
                         complete > 1 ? "s" : "", rejected, rejected > 1 ? "s" : "",
                         rejected > 1 ? "s" : "", pending));
  }
  switch (result->outcome) {
    case WatchOutcome::complete: return kExitOk;
    case WatchOutcome::rejected: return kExitPartial;
    case WatchOutcome::timeout:
      if (!out.json() && !o.jsonl)
        out.note(fmt::format(
            "gave up after {}",
            format_duration(std::chrono::duration_cast<std::chrono::seconds>(options.timeout))));
      return kExitTemporary;
    case WatchOutcome::cancelled: return kExitInterrupted;
  }
  return kExitFailure;
}

// ---- stats --------------------------------------------------------------------------------

struct StatsOptions {
  std::string since, until, contexte;
};

CommandResult run_stats(const StatsOptions& o, Context& ctx) {
  auto q = query_of("", "", o.contexte, o.since, o.until);
  if (!q) return q.error();
  q->max = 0;
  auto service = ctx.service();
  if (!service) return service.error();
  auto list = list_plis(**service, *q);
  if (!list) return list.error();
  const PliStats s = pli_stats(list->items, list->now);
  const Output& out = ctx.out();
  if (out.json()) {
    Json by = Json::object();
    for (const auto& [statut, n] : s.by_statut) by.set(info(statut).code, n);
    auto opt = [](const std::optional<long>& v) { return v ? Json(*v) : Json(); };
    out.print(Json::object()
                  .set("since", o.since.empty() ? Json() : Json(format_timestamp(*q->since)))
                  .set("until", o.until.empty() ? Json() : Json(format_timestamp(*q->until)))
                  .set("total", s.total)
                  .set("by_statut", std::move(by))
                  .set("rejected", s.rejected)
                  .set("renewed", s.renewed)
                  .set("overdue", s.overdue)
                  .set("late", s.late)
                  .set("processed", s.processed)
                  .set("processing_jours_ouvres", Json::object()
                                                      .set("median", opt(s.median_jours_ouvres))
                                                      .set("p90", opt(s.p90_jours_ouvres))));
    return kExitOk;
  }
  out.line(fmt::format("{} pli{}{}{}", s.total, s.total > 1 ? "s" : "",
                       o.since.empty() ? "" : fmt::format(" depuis {}", one_line(o.since)),
                       o.until.empty() ? "" : fmt::format(" jusqu'au {}", one_line(o.until))));
  Table by({"STATUT", "PLIS"});
  for (const auto& [statut, n] : s.by_statut)
    by.add({std::string(info(statut).label), std::to_string(n)});
  by.print(out);
  out.line("");
  Table counters({"", ""});
  counters.add({"Dossiers rejetés", std::to_string(s.rejected)});
  counters.add({"Dossiers renouvelés", std::to_string(s.renewed)});
  counters.add({"En retard (en cours, échéance dépassée)", std::to_string(s.overdue)},
               {Style::plain, s.overdue > 0 ? Style::bad : Style::plain});
  counters.add({"Traités hors délai", std::to_string(s.late)});
  if (s.median_jours_ouvres)
    counters.add({"Temps de traitement (jours ouvrés)",
                  fmt::format("médiane {}, 90e centile {}, sur {} pli{} traité{}",
                              *s.median_jours_ouvres, *s.p90_jours_ouvres, s.processed,
                              s.processed > 1 ? "s" : "", s.processed > 1 ? "s" : "")});
  else
    counters.add({"Temps de traitement (jours ouvrés)", "aucun pli traité"});
  counters.print(out);
  return kExitOk;
}

void add_period(CLI::App& verb, std::string& since, std::string& until) {
  verb.add_option("--since", since, "Only plis sent on or after this day (UTC) or time")
      ->type_name("DATE");
  verb.add_option("--until", until,
                  "Only plis sent on or before this day (UTC) or before this time")
      ->type_name("DATE");
}

}  // namespace

void setup_pli(CLI::App& root, Context& ctx) {
  auto* noun =
      add_noun(root, "pli", "Follow plis: the tableau de bord, a pli's detail, waiting, counters");

  auto l = std::make_shared<ListOptions>();
  auto* list =
      noun->add_subcommand("list", "List the plis sent by the current guichet, newest first");
  list->add_option("--statut", l->statut,
                   "Only plis with this status: numerisation_en_cours, rejet_pieces, "
                   "rejet_dossier, enregistrement_complet or non_applicable")
      ->type_name("CODE");
  list->add_option("--numero", l->numero, "Only the plis of this demande")->type_name("NU");
  list->add_option("--contexte", l->contexte,
                   "Only plis of this contexte: creation, renouvellement, mise-a-jour or ajout")
      ->type_name("CONTEXTE");
  add_period(*list, l->since, l->until);
  list->add_flag("--overdue", l->overdue,
                 "Only plis still en cours after their deadline (2 jours ouvrés)");
  auto* limit = list->add_option("--limit", l->limit, "At most N plis (default 50)")
                    ->type_name("N")
                    ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  list->add_flag("--all", l->all, "Every matching pli, across all pages")->excludes(limit);
  list->add_flag("--csv", l->csv, "CSV on stdout (codes, ISO 8601 times), with a header row");
  on_parsed(*list, ctx, l, run_list);

  auto s = std::make_shared<ShowOptions>();
  auto* show = noun->add_subcommand(
      "show", "Show a pli: its pieces and their outcome, its history, its deadline");
  show->add_option("TRANSACTION", s->transaction, "The pli's transaction number")->required();
  on_parsed(*show, ctx, s, run_show);

  auto w = std::make_shared<WatchCliOptions>();
  auto* watch = noun->add_subcommand(
      "watch", "Wait until every pli reaches a final status, printing the changes");
  watch->add_option("TRANSACTION", w->transactions, "Transaction numbers ('-': read from stdin)")
      ->required();
  watch->add_option("--timeout", w->timeout, "Give up after this long (default: never)")
      ->type_name("DURATION");
  watch
      ->add_option("--interval", w->interval,
                   "First wait between polls (default 5s; doubles while nothing changes)")
      ->type_name("DURATION");
  watch->add_flag("--jsonl", w->jsonl, "One JSON object per line for each state seen");
  on_parsed(*watch, ctx, w, run_watch);

  auto st = std::make_shared<StatsOptions>();
  auto* stats = noun->add_subcommand(
      "stats", "The dashboard's counters: statuses, rejected, renewed, overdue, processing time");
  add_period(*stats, st->since, st->until);
  stats
      ->add_option("--contexte", st->contexte,
                   "Only plis of this contexte: creation, renouvellement, mise-a-jour or ajout")
      ->type_name("CONTEXTE");
  on_parsed(*stats, ctx, st, run_stats);
}

}  // namespace sne::cli
