/// @file
/// The pli report: what managers ask of the tableau de bord ("how are we doing this month?"),
/// as numbers, as SVG charts and as one self-contained HTML page.
///
/// Weeks are ISO 8601 weeks (Monday to Sunday, week 1 holding the year's first Thursday) of the
/// day of transmission in the legal time of the demande's territory: the day from which the
/// numériseur's 2 jours ouvrés are counted (PliSla::sent in sne/tracking.hpp). Processing
/// times are those of PliSla (jours ouvrés from that day to the day of the final status), over
/// the processed plis (final, except "non applicable"), with pli_stats()'s nearest rank.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/pli.hpp"
#include "sne/service.hpp"
#include "sne/statut.hpp"
#include "sne/timestamp.hpp"
#include "sne/tracking.hpp"

namespace sne {

/// An ISO 8601 week: the year it belongs to (which may differ from its days' year near
/// January 1st) and its number, 1 to 53.
struct SNE_EXPORT IsoWeek {
  int year = 0;  ///< the ISO year ("2026" in 2026-W01, which may start on 2025-12-29)
  int week = 0;  ///< 1 to 53
  /// "2026-W05".
  std::string str() const;
  /// The Monday that starts it.
  Date monday() const;
};
/// The ISO week holding `day`.
SNE_EXPORT IsoWeek iso_week(Date day) noexcept;

/// The plis sent in one ISO week.
struct ReportWeek {
  /// Which week.
  IsoWeek week;
  /// Plis sent that week.
  std::size_t total = 0;
  /// By status, in the order of statuts() (index: the StatutPli's value).
  std::array<std::size_t, 5> by_statut{};
  std::size_t processed = 0;  ///< final, except "non applicable": the plis with a time
  std::size_t late = 0;       ///< processed after their due day
  std::optional<long> median_jours_ouvres;  ///< none when no pli of the week was processed
  std::optional<long> p90_jours_ouvres;     ///< none when no pli of the week was processed
};

/// A reason given by the numériseur for rejecting pieces, and how often.
struct ReportMotif {
  /// The motif, as the numériseur wrote it (data: escape it in HTML).
  std::string motif;
  std::size_t plis = 0;    ///< rejected plis giving it (a pli counts once per motif)
  std::size_t pieces = 0;  ///< rejected pieces giving it
};

/// A pli still en cours past its due day.
struct ReportOverdue {
  std::string transaction;    ///< the pli
  std::string numero_unique;  ///< its demande
  std::string guichet;        ///< the guichet that sent it
  Date sent;                  ///< day of transmission, local time of its territory
  Date due;                   ///< its due day
  long days_late = 0;         ///< jours ouvrés past `due`, today included
};

/// The report over one set of plis: a guichet's, or every guichet's together.
struct GuichetReport {
  /// The guichet's code; empty for every guichet of the agent together.
  std::string guichet;
  /// The dashboard's counters over the whole period (pli_stats()).
  PliStats totals;
  /// Every week from the first pli's to the last one's, oldest first, empty weeks included.
  std::vector<ReportWeek> weeks;
  /// Motifs of the rejected plis, most plis first (then by motif).
  std::vector<ReportMotif> motifs;
  /// Rejected plis whose motifs were not read (motifs_limit reached): their motifs are unknown.
  std::size_t motifs_unread = 0;
  /// Overdue plis, most late first (then oldest first).
  std::vector<ReportOverdue> overdue;
};

/// The report over `plis` judged at `now` (pure: no service involved). `rejected` holds the
/// detail of rejected plis of `plis` for their motifs (each rejected piece's motif counted);
/// rejected plis of `plis` missing from it are counted in motifs_unread.
SNE_EXPORT GuichetReport report_of(std::string guichet, const std::vector<PliSummary>& plis,
                                   const std::vector<Pli>& rejected, Timestamp now);

/// What the report covers.
struct PliReportQuery {
  std::optional<Timestamp> since;  ///< date_transmission >= since; none: from the first pli
  std::optional<Timestamp> until;  ///< date_transmission < until; none: to the last pli
  std::vector<StatutPli> statuts;  ///< only plis in these statuses; empty: every status
  /// The library's own service counts the motifs of rejected plis itself (a request per guichet
  /// and rejected status asked), before the plis are listed: a pli rejected meanwhile counts in
  /// motifs_unread. A Service of the caller's own, or a service that predates that request, is
  /// asked the detail of at most this many rejected plis per guichet (a request each); the
  /// others are counted in motifs_unread. 0: no motif read either way.
  std::size_t motifs_limit = 100000;
};

/// The whole report.
struct PliReport {
  Timestamp now;  ///< the service's clock, at which deadlines were judged
  /// The query it answers.
  PliReportQuery query;
  /// Every guichet of the agent together (guichet empty).
  GuichetReport all;
  /// One per guichet, in the agent's order, when the agent has several; empty otherwise.
  std::vector<GuichetReport> guichets;
};

/// Builds the report from the service: the plis of the agent's current guichet or, for an
/// agent of several guichets, of each in turn (switching the session's current guichet, then
/// back to the one it was, even after a failure), the detail of rejected plis for their
/// motifs. `on_progress` (optional) is told what is being read. Errors: the service's.
SNE_EXPORT Result<PliReport> pli_report(
    Service& service, const PliReportQuery& query,
    const std::function<void(std::string_view what)>& on_progress = {});

/// The numbers behind the charts: now, since, until, statuts, sla_jours_ouvres, time_zone,
/// all and guichets (each: guichet (null for all), totals as `sne pli stats --json`, weeks
/// (week, monday, total, by_statut, processed, late, processing_jours_ouvres {median, p90}),
/// rejections_by_motif (motif, plis, pieces), motifs_unread, overdue (transaction,
/// numero_unique, guichet, sent, due, days_late)).
SNE_EXPORT Json to_json(const PliReport& report);

/// `text` made safe inside HTML or SVG text and attribute values (in double or single quotes):
/// & < > " ' escaped, control characters but tab and newline dropped, invalid UTF-8 bytes
/// replaced by U+FFFD.
SNE_EXPORT std::string escape_html(std::string_view text);

/// One chart of the report, as a standalone SVG document.
struct ReportChart {
  /// A file name: "plis-par-semaine.svg", "temps-de-traitement.svg", "rejets-par-motif.svg",
  /// prefixed by "GUICHET-" for one guichet's charts when the agent has several.
  std::string file_name;
  std::string title;  ///< its title, in French
  std::string svg;    ///< the SVG document (UTF-8, no external reference)
};
/// The charts of one report: plis per week by status, processing time per week (median, 90th
/// percentile and the deadline), rejections by motif; for every guichet together, then each.
SNE_EXPORT std::vector<ReportChart> report_charts(const PliReport& report);

/// The report as one HTML page that needs nothing else (styles and charts inline, no script,
/// no network): the counters, the charts, the overdue plis with their due day, per guichet
/// when there are several; readable on a phone and when printed.
SNE_EXPORT std::string report_html(const PliReport& report);

/// Writes report_html() to `path` atomically (it appears whole or not at all), mode 0600: it
/// names demandes by their numéro unique. An existing file is replaced. Errors: io naming
/// `path`; invalid_input when `path` is a folder.
SNE_EXPORT Status write_report_html(const std::string& path, const PliReport& report);

/// Writes each chart of report_charts() into the folder `dir` (created if missing, mode 0700),
/// each file atomically and mode 0600, replacing files of the same name; returns the paths
/// written. Errors: io naming the folder or the file.
SNE_EXPORT Result<std::vector<std::string>> write_report_svgs(const std::string& dir,
                                                              const PliReport& report);

}  // namespace sne
