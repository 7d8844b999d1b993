// sne pli list|show|watch|stats|report: the tableau de bord in a terminal, and the report.
//
// Times are printed in UTC ("2026-11-22 16:49"); the numériseur's deadline is reckoned in the
// legal time of each demande's territory (libsne's sne/tracking.hpp), on the service's clock.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include <sne/contexte.hpp>
#include <sne/numero.hpp>
#include <sne/records_json.hpp>
#include <sne/report.hpp>
#include <sne/text.hpp>
#include <sne/tracking.hpp>
#include <sne/tracking_json.hpp>

#include "commands.hpp"
#include "i18n.hpp"
#include "interrupt.hpp"

namespace sne::cli {

namespace {

/// "2026-11-22 16:49", UTC (under a column that says so).
std::string when(Timestamp t) {
  std::string text = when_utc(t);
  text.resize(text.size() - 4);
  return text;
}

std::string jours(long n) { return fmt::format("{} j.o.", n); }

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

/// A library error about a flag's value, as the CLI names it: by its flag, in its message and
/// as its subject ("since '...'" becomes "--since '...'"), as every flag error of sne does.
Error flagged(const Error& error) {
  static constexpr std::string_view kFlags[] = {"since", "until", "interval", "timeout"};
  if (error.code() != ErrorCode::invalid_input) return error;
  for (auto name : kFlags)
    if (error.subject() == name) {
      auto dashed = [](std::string message) {
        message.insert(0, "--");
        // "until is before since": both are flags.
        if (const auto at = message.rfind(" since");
            at != std::string::npos && at + 6 == message.size())
          message.insert(at + 1, "--");
        return message;
      };
      std::string message = dashed(error.message());
      if (std::string translated = dashed(localized(error.message())); translated != message)
        remember_localized(message, std::move(translated));
      return Error(error.code(), std::move(message), fmt::format("--{}", name));
    }
  return error;
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
  auto period = parse_pli_period(since, until);
  if (!period) return flagged(period.error());
  q.since = period->since;
  q.until = period->until;
  return q;
}

CommandResult run_list(const ListOptions& o, Context& ctx) {
  if (o.csv && ctx.out().json()) {
    ctx.out().usage_error(tr(N_("--csv and --json cannot be used together")),
                          _("choose one format"));
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
    if (progress)
      ctx.out().note(
          fmt::format(fmt::runtime(P_("{} pli…", "{} plis…", kept)), human_number(kept)));
  });
  if (!list) return list.error();
  const auto& items = list->items;
  const Timestamp now = list->now;

  if (ctx.out().json()) {
    ctx.out().print_array_text(
        items.size(), [&](std::string& out, std::size_t i) { append_json(out, items[i], now, 1); });
  } else if (o.csv) {
    const std::string out = plis_csv(items, now);
    (void)std::fwrite(out.data(), 1, out.size(), stdout);
  } else if (items.empty()) {
    ctx.out().note(_("no pli matches"));
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
    ctx.out().note(fmt::format(
        fmt::runtime(P_("the first pli; more match: --limit N or --all",
                        "the first {} plis; more match: --limit N or --all", items.size())),
        human_number(items.size())));
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
    ctx.out().print(to_json(*pli, now));
    return kExitOk;
  }
  const Output& out = ctx.out();
  auto numero = NumeroUnique::parse(r.numero_unique);
  out.line(fmt::format("Pli {} — demande {}{}", out.paint(r.transaction, Style::bold),
                       one_line(r.numero_unique),
                       numero ? fmt::format(" ({})", numero->territoire().name) : ""));
  Table facts({"", ""});
  facts.add({"Statut", fmt::format("{} (le {})", info(r.statut).label, when_utc(r.date_statut))},
            {Style::plain, statut_style(r.statut)});
  facts.add({"Contexte", std::string(info(r.contexte).label)});
  facts.add({"Guichet", r.guichet});
  facts.add({"Transmis", when_utc(r.date_transmission)});
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

CommandResult run_watch(const WatchCliOptions& o, Context& ctx) {
  if (o.jsonl && ctx.out().json()) {
    ctx.out().usage_error(tr(N_("--jsonl and --json cannot be used together")),
                          _("--jsonl streams the changes, --json prints the outcome at the end"));
    return kExitUsage;
  }
  auto polling = watch_polling(o.interval, o.timeout);
  if (!polling) return flagged(polling.error());
  WatchOptions options = std::move(*polling);
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
    if (!out.json() && !o.jsonl)
      out.warning(fmt::format(fmt::runtime(_("{}; trying again")), localized(e.message())));
  };
  auto result = watch_plis(**service, transactions, options, [&](const WatchEvent& e) {
    if (o.jsonl) {
      (void)std::fputs((to_json(e).dump(-1) + "\n").c_str(), stdout);
      (void)std::fflush(stdout);
    } else if (!out.json()) {
      const PliSummary& r = e.pli.resume;
      out.line(
          fmt::format("{}  {}  {}  {}{}", when(r.date_statut),
                      out.paint(r.transaction, Style::bold), r.numero_unique,
                      e.previous ? fmt::format("{} → ", info(*e.previous).label) : std::string(),
                      out.paint(info(r.statut).label, statut_style(r.statut))));
      (void)std::fflush(stdout);
    }
  });
  if (!result) return result.error();
  const auto [complete, rejected, pending] = tally(*result);
  if (out.json()) {
    out.print(to_json(*result));
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
            fmt::runtime(_("gave up after {}")),
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
    out.print(to_json(s, *q));
    return kExitOk;
  }
  out.line(fmt::format("{} pli{}{}{}", human_number(s.total), s.total > 1 ? "s" : "",
                       o.since.empty() ? "" : fmt::format(" depuis {}", one_line(o.since)),
                       o.until.empty() ? "" : fmt::format(" jusqu'au {}", one_line(o.until))));
  Table by({"STATUT", "PLIS"});
  for (const auto& [statut, n] : s.by_statut)
    by.add({std::string(info(statut).label), human_number(n)});
  by.print(out);
  out.line("");
  Table counters({"", ""});
  counters.add({"Dossiers rejetés", human_number(s.rejected)});
  counters.add({"Dossiers renouvelés", human_number(s.renewed)});
  counters.add({"En retard (en cours, échéance dépassée)", human_number(s.overdue)},
               {Style::plain, s.overdue > 0 ? Style::bad : Style::plain});
  counters.add({"Traités hors délai", human_number(s.late)});
  if (s.median_jours_ouvres)
    counters.add(
        {"Temps de traitement (jours ouvrés)",
         fmt::format("médiane {}, 90e centile {}, sur {} pli{} traité{}", *s.median_jours_ouvres,
                     *s.p90_jours_ouvres, human_number(s.processed), s.processed > 1 ? "s" : "",
                     s.processed > 1 ? "s" : "")});
  else
    counters.add({"Temps de traitement (jours ouvrés)", "aucun pli traité"});
  counters.print(out);
  return kExitOk;
}

// ---- report -------------------------------------------------------------------------------

struct ReportOptions {
  std::string since, until, output, svg;
  std::vector<std::string> statuts;
};

CommandResult run_report(const ReportOptions& o, Context& ctx) {
  const Output& out = ctx.out();
  if (o.output.empty() && o.svg.empty() && !out.json()) {
    out.usage_error(tr(N_("say where the report goes: -o FILE for the HTML page, --svg DIR for "
                          "the charts, --json for the numbers")),
                    "sne pli report -o report.html");
    return kExitUsage;
  }
  PliReportQuery query;
  auto period = parse_pli_period(o.since, o.until);
  if (!period) return flagged(period.error());
  query.since = period->since;
  query.until = period->until;
  for (const auto& code : o.statuts) {
    auto s = parse_statut(code);
    if (!s) return Error(s.error()).prefixed("--statut");
    if (std::find(query.statuts.begin(), query.statuts.end(), *s) == query.statuts.end())
      query.statuts.push_back(*s);
  }
  auto service = ctx.service();
  if (!service) return service.error();
  auto report = pli_report(**service, query, [&](std::string_view what) {
    if (ctx.verbose() && !out.json()) out.note(what);
  });
  if (!report) return report.error();
  std::vector<std::string> written;
  if (!o.output.empty()) {
    if (auto st = write_report_html(o.output, *report); !st) return st.error();
    written.push_back(o.output);
  }
  if (!o.svg.empty()) {
    auto paths = write_report_svgs(o.svg, *report);
    if (!paths) return paths.error();
    written.insert(written.end(), paths->begin(), paths->end());
  }
  if (out.json()) {
    out.print(to_json(*report));
    return kExitOk;
  }
  const PliStats& t = report->all.totals;
  for (const auto& path : written) out.line(path);
  const std::size_t weeks = report->all.weeks.size(), guichets = report->guichets.size();
  out.note(fmt::format(
      // TRANSLATORS: "12 plis over 3 weeks, 2 overdue, 4 guichets"; the last {} is ", 4
      // guichets" or nothing.
      fmt::runtime(_("{} over {}, {} overdue{}")),
      fmt::format(fmt::runtime(P_("{} pli", "{} plis", t.total)), human_number(t.total)),
      fmt::format(fmt::runtime(P_("{} week", "{} weeks", weeks)), human_number(weeks)),
      human_number(t.overdue),
      guichets == 0
          ? std::string()
          : fmt::format(", {}", fmt::format(fmt::runtime(P_("{} guichet", "{} guichets", guichets)),
                                            human_number(guichets)))));
  return kExitOk;
}

void add_period(CLI::App& verb, std::string& since, std::string& until) {
  verb.add_option("--since", since, _("Only plis sent on or after this day (UTC) or time"))
      ->type_name("DATE");
  verb.add_option("--until", until,
                  _("Only plis sent on or before this day (UTC) or before this time"))
      ->type_name("DATE");
}

}  // namespace

void setup_pli(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "pli",
                        _("Follow plis: the tableau de bord, a pli's detail, waiting, counters"));

  auto l = std::make_shared<ListOptions>();
  auto* list =
      noun->add_subcommand("list", _("List the plis sent by the current guichet, newest first"));
  list->add_option("--statut", l->statut,
                   _("Only plis with this status: numerisation_en_cours, rejet_pieces, "
                     "rejet_dossier, enregistrement_complet or non_applicable"))
      ->type_name("STATUT");
  list->add_option("--numero", l->numero, _("Only the plis of this demande"))->type_name("NU");
  list->add_option("--contexte", l->contexte,
                   _("Only plis of this contexte: creation, renouvellement, mise-a-jour or ajout"))
      ->type_name("CONTEXTE");
  add_period(*list, l->since, l->until);
  list->add_flag("--overdue", l->overdue,
                 _("Only plis still en cours after their deadline (2 jours ouvrés)"));
  auto* limit = list->add_option("--limit", l->limit, _("At most N plis (default 50)"))
                    ->type_name("N")
                    ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}));
  list->add_flag("--all", l->all, _("Every matching pli, across all pages"))->excludes(limit);
  list->add_flag("--csv", l->csv, _("CSV on stdout (codes, ISO 8601 times), with a header row"));
  on_parsed(*list, ctx, l, run_list);

  auto s = std::make_shared<ShowOptions>();
  auto* show = noun->add_subcommand(
      "show", _("Show a pli: its pieces and their outcome, its history, its deadline"));
  show->add_option("TRANSACTION", s->transaction, _("The pli's transaction number"))->required();
  on_parsed(*show, ctx, s, run_show);

  auto w = std::make_shared<WatchCliOptions>();
  auto* watch = noun->add_subcommand(
      "watch", _("Wait until every pli reaches a final status, printing the changes"));
  watch->add_option("TRANSACTION", w->transactions, _("Transaction numbers ('-': read from stdin)"))
      ->required();
  watch->add_option("--timeout", w->timeout, _("Give up after this long (default: never)"))
      ->type_name("DURATION");
  watch
      ->add_option("--interval", w->interval,
                   _("First wait between polls (default 5s; doubles while nothing changes)"))
      ->type_name("DURATION");
  watch->add_flag("--jsonl", w->jsonl, _("One JSON object per line for each state seen"));
  on_parsed(*watch, ctx, w, run_watch);

  auto st = std::make_shared<StatsOptions>();
  auto* stats = noun->add_subcommand(
      "stats",
      _("The dashboard's counters: statuses, rejected, renewed, overdue, processing time"));
  add_period(*stats, st->since, st->until);
  stats
      ->add_option("--contexte", st->contexte,
                   _("Only plis of this contexte: creation, renouvellement, mise-a-jour or ajout"))
      ->type_name("CONTEXTE");
  on_parsed(*stats, ctx, st, run_stats);

  auto r = std::make_shared<ReportOptions>();
  auto* report = noun->add_subcommand(
      "report",
      _("A report for managers: plis per week by status, processing time, rejections by motif, "
        "overdue plis; as one HTML page, SVG charts or JSON"));
  add_period(*report, r->since, r->until);
  report
      ->add_option("--statut", r->statuts,
                   _("Only plis with these statuses (repeat, or separate with commas): "
                     "numerisation_en_cours, rejet_pieces, rejet_dossier, enregistrement_complet, "
                     "non_applicable"))
      ->type_name("CODE")
      ->delimiter(',');
  report->add_option("-o,--output", r->output, _("Write the report as one HTML page (mode 0600)"))
      ->type_name("FILE");
  report
      ->add_option("--svg", r->svg,
                   _("Write the charts as SVG files into this folder (created if missing)"))
      ->type_name("DIR");
  on_parsed(*report, ctx, r, run_report);
}

}  // namespace sne::cli
