/// @file
/// Following plis: the numériseur's deadline in jours ouvrés, the tableau de
/// bord's list and counters, and waiting for outcomes.
///
/// The numériseur commits to processing a pli within 2 jours ouvrés of its transmission. Days
/// are counted in the legal time of the demande's territory (Paris time in metropolitan France,
/// UTC-4 in Guadeloupe, UTC+4 in La Réunion...) with that territory's public holidays, so a pli
/// sent in Moselle on the eve of Good Friday is due a day later than one sent in Hérault.
///
/// "Now" is the service's clock (Service::server_time()): a sandbox whose clock was set to a
/// past date judges its plis on that date.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sne/calendar.hpp"
#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/pli.hpp"
#include "sne/service.hpp"
#include "sne/statut.hpp"
#include "sne/territoire.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// The numériseur's commitment, in jours ouvrés after the day of transmission.
inline constexpr long kSlaJoursOuvres = 2;

/// The calendar day at `t` in the legal time of `zone`: Europe/Paris (with summer time) for
/// metropolitan France and Alsace-Moselle, the fixed offset of each overseas département.
SNE_EXPORT Date local_day(Timestamp t, CalendarZone zone);

/// The calendar zone of a demande's numéro unique; metropole (national holidays only) when
/// the numéro is malformed.
SNE_EXPORT CalendarZone zone_of(std::string_view numero_unique);

/// Where a pli stands against the numériseur's deadline.
struct PliSla {
  /// The calendar of the demande's territory: its legal time and its public holidays.
  CalendarZone zone = CalendarZone::metropole;
  Date sent;                 ///< the day of transmission, local time
  Date due;                  ///< kSlaJoursOuvres jours ouvrés after `sent`
  std::optional<Date> done;  ///< the day of the final status; none while the pli is en cours
  /// Jours ouvrés from `sent` to `done`, or to today while en cours.
  long elapsed = 0;
  /// Jours ouvrés past `due`: up to today while en cours, up to `done` once processed.
  long days_late = 0;
  bool overdue = false;  ///< still en cours, and at least one jour ouvré past its due day
  bool late = false;  ///< processed (not "non applicable") a jour ouvré or more after its due day
};

/// The deadline of `pli` judged at `now`.
SNE_EXPORT PliSla pli_sla(const PliSummary& pli, Timestamp now);

/// What the tableau de bord lists: the service's filters, plus the ones only a client can
/// apply.
struct PliQuery {
  /// Only plis in this status.
  std::optional<StatutPli> statut;
  /// Only plis of this demande (a numéro unique).
  std::string numero_unique;
  /// Only plis of this contexte.
  std::optional<Contexte> contexte;
  std::optional<Timestamp> since;  ///< date_transmission >= since
  std::optional<Timestamp> until;  ///< date_transmission < until
  bool overdue_only = false;       ///< en cours and past their deadline (judged at `now`)
  std::size_t max = 50;            ///< at most this many plis; 0: all of them
};

/// The bounds of a period of transmission, as a user writes them: `since` and `until` are each
/// empty (no bound), a day YYYY-MM-DD (00:00 UTC; `until` takes the whole day, so its bound is
/// 00:00 UTC the next day) or an ISO 8601 instant, from 1970 to 2199 (a Timestamp counts
/// nanoseconds: it ends in 2262).
struct PliPeriod {
  std::optional<Timestamp> since;  ///< date_transmission >= since
  std::optional<Timestamp> until;  ///< date_transmission < until
};
/// Errors: invalid_input whose subject names the culprit ("since" or "until") for a text that
/// is neither a day nor an instant, for one out of range, and ("until") for an until that is
/// not after since.
SNE_EXPORT Result<PliPeriod> parse_pli_period(std::string_view since, std::string_view until);

/// The plis list_plis() found, and how the pages went.
struct PliList {
  std::vector<PliSummary> items;  ///< newest first
  bool more = false;              ///< plis beyond `max` matched
  std::size_t pages = 0;          ///< pages requested from the service
  Timestamp now;                  ///< the service's clock when the last page came
};

/// The plis matching `query`, following the service's pages (up to 500 plis each) as far as
/// needed. `on_page` (optional) is called after each page with the plis kept so far.
SNE_EXPORT Result<PliList> list_plis(Service& service, const PliQuery& query,
                                     const std::function<void(std::size_t kept)>& on_page = {});

/// The counters of the PWP's dashboard over a set of plis.
struct PliStats {
  /// Plis counted.
  std::size_t total = 0;
  std::vector<std::pair<StatutPli, std::size_t>> by_statut;  ///< all five statuses, in order
  std::size_t rejected = 0;   ///< rejet de pièces or rejet du dossier
  std::size_t renewed = 0;    ///< sent in the renouvellement contexte
  std::size_t overdue = 0;    ///< en cours and past their deadline
  std::size_t late = 0;       ///< processed after their deadline
  std::size_t processed = 0;  ///< with a processing time: final, except "non applicable"
  /// Processing times in jours ouvrés over the processed plis (nearest rank: the smallest
  /// time within which at least half, resp. 90 %, of them were processed); none when no pli
  /// was processed.
  std::optional<long> median_jours_ouvres;
  /// The 90th percentile of the processing times (see median_jours_ouvres).
  std::optional<long> p90_jours_ouvres;
};

/// The dashboard's counters over `plis`, deadlines judged at `now`.
SNE_EXPORT PliStats pli_stats(const std::vector<PliSummary>& plis, Timestamp now);

/// The columns of the tableau de bord as CSV, in order: transaction, numero_unique, guichet,
/// contexte, statut (codes), date_transmission, date_statut (ISO 8601), nb_pieces, sla_due,
/// overdue (true or false), days_late (0 unless overdue).
SNE_EXPORT const std::vector<std::string>& pli_csv_columns();
/// `plis` judged at `now` as CSV (RFC 4180, each record ending in `"\n"`): one header record of
/// pli_csv_columns(), then one record per pli, in the order given.
SNE_EXPORT std::string plis_csv(const std::vector<PliSummary>& plis, Timestamp now);

/// A deadline as JSON: zone, sent, due, done (null while en cours), elapsed_jours_ouvres,
/// days_late, overdue, late.
SNE_EXPORT Json to_json(const PliSla& sla);
/// A pli of the tableau de bord judged at `now`: the record (sne/records_json.hpp), then
/// statut_label and sla (what `sne pli list --json` prints for each pli).
SNE_EXPORT Json to_json(const PliSummary& pli, Timestamp now);
/// A pli in full judged at `now`: the record, then statut_label and sla.
SNE_EXPORT Json to_json(const Pli& pli, Timestamp now);
/// The counters over the plis of `query` (its since and until, null when absent): since,
/// until, total, by_statut (by code, every status), rejected, renewed, overdue, late,
/// processed, processing_jours_ouvres {median, p90} (null when no pli was processed).
SNE_EXPORT Json to_json(const PliStats& stats, const PliQuery& query);

/// One pli seen by watch_plis: first sighting (`previous` empty) or a change of status.
struct WatchEvent {
  /// The pli as seen in this round.
  Pli pli;
  /// Its status before this change; nullopt on the first sighting.
  std::optional<StatutPli> previous;
};

/// How watch_plis() polls: its pace, its deadline, and the hooks that tests replace.
struct WatchOptions {
  /// Give up after this long; 0: never.
  std::chrono::milliseconds timeout{0};
  /// The first wait between two rounds of polling. Rounds that see no change double it, up to
  /// max_interval; a change brings it back.
  std::chrono::milliseconds interval{5000};
  /// The longest wait between two rounds.
  std::chrono::milliseconds max_interval{60000};
  /// Waits; the default sleeps in slices of at most 200 ms, returning early once cancelled.
  std::function<void(std::chrono::milliseconds)> sleep;
  /// Monotonic time; the default is std::chrono::steady_clock.
  std::function<std::chrono::steady_clock::time_point()> clock;
  /// Checked between requests and during waits (Ctrl-C).
  std::function<bool()> cancelled;
  /// Told about a failed round that will be tried again (network down, service busy or
  /// rate-limited); the next wait doubles.
  std::function<void(const Error&)> on_retry;
};

/// How a watch ended.
enum class WatchOutcome {
  complete,   ///< every pli reached "enregistrement complet"
  rejected,   ///< every pli is final, and one at least was rejected or is "non applicable"
  timeout,    ///< some pli was still en cours when the time ran out
  cancelled,  ///< options.cancelled() said so
};

/// The shortest first wait a watch accepts, not to hammer the service.
inline constexpr std::chrono::seconds kMinWatchInterval{1};
/// The longest wait between rounds, unless the first wait is longer.
inline constexpr std::chrono::seconds kMaxWatchInterval{60};

/// Options of a watch from a first wait and a timeout as a user writes them (durations of
/// parse_duration, "5s", "2m"; an empty timeout: never): interval at least kMinWatchInterval,
/// max_interval the longer of kMaxWatchInterval and interval. Errors: invalid_input whose
/// subject names the culprit ("interval" or "timeout"), and whose message begins with it.
SNE_EXPORT Result<WatchOptions> watch_polling(std::string_view interval, std::string_view timeout);

/// The stable name of an outcome: "complete", "rejected", "timeout", "cancelled".
SNE_EXPORT std::string_view to_string(WatchOutcome outcome) noexcept;

/// How a watch ended, and the last state of its plis.
struct WatchResult {
  /// Why it ended.
  WatchOutcome outcome = WatchOutcome::complete;
  std::vector<Pli> plis;  ///< the last state of each, in the order asked
  /// Rounds of polling made.
  std::size_t rounds = 0;
};

/// Where the plis of a watch stand, whatever its outcome.
struct WatchTally {
  std::size_t complete = 0;  ///< enregistrement complet
  std::size_t rejected = 0;  ///< final otherwise: rejected or non applicable
  std::size_t pending = 0;   ///< still en cours
};
/// How many plis of `result` are complete, rejected and still pending.
SNE_EXPORT WatchTally tally(const WatchResult& result);

/// A change seen by a watch (a line of `sne pli watch --jsonl`): transaction, numero_unique,
/// statut, previous (null on a first sighting), date_statut, final.
SNE_EXPORT Json to_json(const WatchEvent& event);
/// The end of a watch: outcome and the plis in full (sne/records_json.hpp).
SNE_EXPORT Json to_json(const WatchResult& result);

/// Polls the plis until each reaches a final status, calling `on_event` on the first state
/// of each and on every change. A pli that does not exist, or an error that retrying cannot
/// cure (authentication), ends the watch with that error.
SNE_EXPORT Result<WatchResult> watch_plis(Service& service,
                                          const std::vector<std::string>& transactions,
                                          const WatchOptions& options,
                                          const std::function<void(const WatchEvent&)>& on_event);

}  // namespace sne
