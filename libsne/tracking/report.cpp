// The pli report's numbers: plis per ISO week by status, processing times per week, motifs of
// rejection, overdue plis; per guichet for an agent of several. Deadlines are PliSla's.
#include <algorithm>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "client/pli_motifs.hpp"
#include "sne/report.hpp"
#include "tracking/rank.hpp"

namespace sne {

namespace {

/// How a motif left empty by the numériseur is shown.
constexpr const char* kNoMotif = "(sans motif)";

/// Most plis first, then by motif (the order they were given in).
void sort_motifs(std::vector<ReportMotif>& motifs) {
  std::stable_sort(motifs.begin(), motifs.end(),
                   [](const auto& a, const auto& b) { return a.plis > b.plis; });
}

/// The ISO year of `day` and the Monday of its week 1.
Date week_one_monday(int iso_year) {
  // Week 1 holds January 4th.
  const Date jan4 = *Date::from_ymd(iso_year, 1, 4);
  return jan4.plus_days(1 - static_cast<long>(jan4.weekday()));
}

}  // namespace

std::string IsoWeek::str() const { return fmt::format("{:04}-W{:02}", year, week); }

Date IsoWeek::monday() const { return week_one_monday(year).plus_days(7L * (week - 1)); }

IsoWeek iso_week(Date day) noexcept {
  // The week belongs to the year of its Thursday.
  const Date thursday = day.plus_days(4 - static_cast<long>(day.weekday()));
  const Date jan1 = *Date::from_ymd(thursday.year(), 1, 1);
  return {thursday.year(), static_cast<int>((thursday.days() - jan1.days()) / 7 + 1)};
}

GuichetReport report_of(std::string guichet, const std::vector<PliSummary>& plis,
                        const std::vector<Pli>& rejected, Timestamp now) {
  GuichetReport out;
  out.guichet = std::move(guichet);
  out.totals = pli_stats(plis, now);
  if (plis.empty()) return out;

  std::vector<PliSla> slas;
  slas.reserve(plis.size());
  long first = 0, last = 0;
  for (const auto& p : plis) {
    slas.push_back(pli_sla(p, now));
    const long monday =
        slas.back().sent.days() - (static_cast<long>(slas.back().sent.weekday()) - 1);
    if (slas.size() == 1 || monday < first) first = monday;
    if (slas.size() == 1 || monday > last) last = monday;
  }
  const auto n_weeks = static_cast<std::size_t>((last - first) / 7 + 1);
  out.weeks.resize(n_weeks);
  std::vector<std::vector<long>> times(n_weeks);
  for (std::size_t w = 0; w < n_weeks; ++w)
    out.weeks[w].week = iso_week(Date::from_days(first + 7 * static_cast<long>(w)));

  for (std::size_t i = 0; i < plis.size(); ++i) {
    const PliSummary& p = plis[i];
    const PliSla& s = slas[i];
    const long monday = s.sent.days() - (static_cast<long>(s.sent.weekday()) - 1);
    ReportWeek& w = out.weeks[static_cast<std::size_t>((monday - first) / 7)];
    ++w.total;
    ++w.by_statut[static_cast<std::size_t>(p.statut)];
    if (info(p.statut).final && p.statut != StatutPli::non_applicable) {
      times[static_cast<std::size_t>((monday - first) / 7)].push_back(s.elapsed);
      if (s.late) ++w.late;
    }
    if (s.overdue)
      out.overdue.push_back(
          {p.transaction, p.numero_unique, p.guichet, s.sent, s.due, s.days_late});
  }
  for (std::size_t w = 0; w < n_weeks; ++w) {
    auto& t = times[w];
    out.weeks[w].processed = t.size();
    if (t.empty()) continue;
    std::sort(t.begin(), t.end());
    out.weeks[w].median_jours_ouvres = tracking::nearest_rank(t, 50);
    out.weeks[w].p90_jours_ouvres = tracking::nearest_rank(t, 90);
  }
  std::sort(out.overdue.begin(), out.overdue.end(), [](const auto& a, const auto& b) {
    if (a.days_late != b.days_late) return a.days_late > b.days_late;
    if (a.sent != b.sent) return a.sent < b.sent;
    return a.transaction < b.transaction;
  });

  // Motifs: each rejected pli counts once per motif, each rejected piece once.
  std::map<std::string, ReportMotif> motifs;
  std::size_t read = 0;
  for (const auto& d : rejected) {
    if (!info(d.resume.statut).rejected) continue;
    ++read;
    std::vector<std::string_view> seen;
    for (const auto& piece : d.pieces) {
      if (piece.resultat != PieceOutcome::rejetee) continue;
      const std::string motif = piece.motif.empty() ? kNoMotif : piece.motif;
      ReportMotif& m = motifs[motif];
      ++m.pieces;
      if (std::find(seen.begin(), seen.end(), piece.motif) == seen.end()) {
        seen.push_back(piece.motif);
        ++m.plis;
      }
    }
  }
  for (auto& [motif, m] : motifs) {
    m.motif = motif;
    out.motifs.push_back(std::move(m));
  }
  sort_motifs(out.motifs);
  out.motifs_unread = out.totals.rejected > read ? out.totals.rejected - read : 0;
  return out;
}

namespace {

/// What the report reads of one guichet: its plis, and the motifs of its rejected plis, counted
/// by the service in one request when it can, else from the detail of each rejected pli.
struct GuichetData {
  std::vector<PliSummary> plis;
  std::vector<Pli> rejected;                   ///< details, when the service does not count
  std::vector<wire::RejectionMotifs> counted;  ///< one per rejected statut asked
};

/// Adds motifs counted by the service to `r` as report_of counts those of details (by motif as
/// shown, most plis first, then by motif); the plis they cover are no longer unread.
void add_counted(GuichetReport& r, const wire::RejectionMotifs& counted) {
  std::map<std::string, ReportMotif> motifs;
  for (auto& m : r.motifs) motifs[m.motif] = std::move(m);
  for (const auto& c : counted.motifs) {
    const std::string motif = c.motif.empty() ? kNoMotif : c.motif;
    ReportMotif& m = motifs[motif];
    m.motif = motif;
    m.plis += static_cast<std::size_t>(c.plis);
    m.pieces += static_cast<std::size_t>(c.pieces);
  }
  r.motifs.clear();
  for (auto& [motif, m] : motifs) r.motifs.push_back(std::move(m));
  sort_motifs(r.motifs);
  const auto read = static_cast<std::size_t>(counted.plis);
  r.motifs_unread = r.motifs_unread > read ? r.motifs_unread - read : 0;
}

GuichetReport report_of(const std::string& code, const GuichetData& data, Timestamp now) {
  GuichetReport r = report_of(code, data.plis, data.rejected, now);
  for (const auto& c : data.counted) add_counted(r, c);
  return r;
}

/// The motifs of the rejected plis `query` selects, counted by the service: one request per
/// rejected statut asked (one in all when none is). Nothing when the service cannot count them
/// (not the library's own, or one that predates GET /v1/plis/motifs).
Result<std::optional<std::vector<wire::RejectionMotifs>>> count_motifs(
    Service& service, const PliReportQuery& query) {
  client::PliMotifs* counter = client::pli_motifs(service);
  if (counter == nullptr) return std::optional<std::vector<wire::RejectionMotifs>>();
  std::vector<std::optional<StatutPli>> asked;
  if (query.statuts.empty()) asked.emplace_back();
  for (const auto& s : statuts())
    if (s.rejected &&
        std::find(query.statuts.begin(), query.statuts.end(), s.value) != query.statuts.end())
      asked.emplace_back(s.value);
  std::vector<wire::RejectionMotifs> out;
  for (const auto& statut : asked) {
    PliFilter filter;
    filter.statut = statut;
    filter.since = query.since;
    filter.until = query.until;
    auto counted = counter->rejection_motifs(filter);
    if (!counted) {
      if (counted.error().code() == ErrorCode::not_found)
        return std::optional<std::vector<wire::RejectionMotifs>>();
      return counted.error();
    }
    out.push_back(std::move(*counted));
  }
  return std::optional(std::move(out));
}

/// The plis of the session's current guichet, and the motifs of its rejected ones.
Status read_guichet(Service& service, const PliReportQuery& query, const std::string& code,
                    GuichetData& data, Timestamp& now,
                    const std::function<void(std::string_view)>& on_progress) {
  PliQuery q;
  q.since = query.since;
  q.until = query.until;
  q.max = 0;
  if (query.statuts.size() == 1) q.statut = query.statuts.front();
  // Motifs counted before the plis are listed: a pli rejected in between is then a listed
  // rejection whose motifs are unread, never motifs counted for a pli listed en cours.
  std::optional<std::vector<wire::RejectionMotifs>> counted;
  if (query.motifs_limit > 0) {
    auto c = count_motifs(service, query);
    if (!c) return c.error();
    counted = std::move(*c);
  }
  auto list = list_plis(service, q);
  if (!list) return list.error();
  now = list->now;
  auto& plis = data.plis;
  plis = std::move(list->items);
  if (query.statuts.size() > 1)
    plis.erase(std::remove_if(plis.begin(), plis.end(),
                              [&](const PliSummary& p) {
                                return std::find(query.statuts.begin(), query.statuts.end(),
                                                 p.statut) == query.statuts.end();
                              }),
               plis.end());
  std::size_t wanted = 0;
  for (const auto& p : plis)
    if (info(p.statut).rejected) ++wanted;
  wanted = std::min(wanted, query.motifs_limit);
  if (wanted == 0) return {};
  if (counted) {
    data.counted = std::move(*counted);
    if (on_progress)
      on_progress(i18n::format_plural("{}: {} pli, motifs counted by the service",
                                      "{}: {} plis, motifs counted by the service", plis.size(),
                                      code, plis.size()));
    return {};
  }
  if (on_progress)
    on_progress(i18n::format_plural("{}: {} pli, reading {} rejected",
                                    "{}: {} plis, reading {} rejected", plis.size(), code,
                                    plis.size(), wanted));
  for (const auto& p : plis) {
    if (data.rejected.size() == wanted) break;
    if (!info(p.statut).rejected) continue;
    auto detail = service.pli(p.transaction);
    if (!detail) {
      if (detail.error().code() == ErrorCode::not_found) continue;  // gone meanwhile
      return detail.error();
    }
    data.rejected.push_back(std::move(*detail));
  }
  return {};
}

}  // namespace

Result<PliReport> pli_report(Service& service, const PliReportQuery& query,
                             const std::function<void(std::string_view what)>& on_progress) {
  auto me = service.me();
  if (!me) return me.error();
  std::vector<std::string> codes;
  for (const auto& g : me->guichets) codes.push_back(g.code);
  if (codes.empty()) codes.push_back(me->guichet);
  PliReport report;
  report.query = query;
  if (codes.size() == 1) {
    GuichetData data;
    if (auto st = read_guichet(service, query, codes.front(), data, report.now, on_progress); !st)
      return st.error();
    report.all = report_of(codes.front(), data, report.now);
    return report;
  }

  // Several guichets: each in turn as the current one, then the agent's own back.
  struct Restore {
    Service& service;
    const std::string& code;
    ~Restore() { (void)service.switch_guichet(code); }
  } restore{service, me->guichet};
  std::vector<GuichetData> data(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (auto switched = service.switch_guichet(codes[i]); !switched) return switched.error();
    if (auto st = read_guichet(service, query, codes[i], data[i], report.now, on_progress); !st)
      return st.error();
  }
  // Judged at one instant, the service's clock after the last page.
  GuichetData every;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    report.guichets.push_back(report_of(codes[i], data[i], report.now));
    every.plis.insert(every.plis.end(), data[i].plis.begin(), data[i].plis.end());
    every.rejected.insert(every.rejected.end(), data[i].rejected.begin(), data[i].rejected.end());
    every.counted.insert(every.counted.end(), data[i].counted.begin(), data[i].counted.end());
  }
  report.all = report_of("", every, report.now);
  return report;
}

}  // namespace sne
