// The volume seed: many plis of one guichet spread over a period, so that the tableau de bord
// (lists, statistics, SLA) has something to count. Statuses, processing times and pieces look
// like the numériseur's work, but nothing lands in the demandes' pieces: a category holds two
// pieces, and a year of plis would not fit.
#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sandbox/demo_data.hpp"
#include "sandbox/store.hpp"
#include "sne/date.hpp"
#include "sne/statut.hpp"

namespace sne::sandbox {

namespace {

using demo::kDay;
using demo::pick;

template <class T>
struct Weighted {
  T value;
  int weight;
};

/// One value of `table`, with the probability of its weight.
template <class T, std::size_t N>
T draw(std::mt19937& rng, const std::array<Weighted<T>, N>& table) {
  int total = 0;
  for (const auto& row : table) total += row.weight;
  int x = std::uniform_int_distribution<int>(0, total - 1)(rng);
  for (const auto& row : table) {
    if (x < row.weight) return row.value;
    x -= row.weight;
  }
  return table.back().value;
}

/// What the numériseur made of the plis it processed.
constexpr std::array<Weighted<StatutPli>, 4> kOutcomes{{
    {StatutPli::enregistrement_complet, 78},
    {StatutPli::rejet_pieces, 13},
    {StatutPli::rejet_dossier, 5},
    {StatutPli::non_applicable, 4},
}};

constexpr std::array<Weighted<const char*>, 4> kContextes{{
    {"CRE", 15},
    {"REN", 20},
    {"MAJ", 25},
    {"AJO", 40},
}};

/// Whole days between transmission and processing: most plis within the SLA of 2 jours
/// ouvrés, a good share beyond it (more so across a weekend).
constexpr std::array<Weighted<int>, 7> kProcessingDays{{
    {0, 25},
    {1, 30},
    {2, 18},
    {3, 12},
    {4, 7},
    {5, 5},
    {6, 3},
}};

constexpr std::array<Weighted<int>, 3> kPiecesPerPli{{{1, 45}, {2, 35}, {3, 20}}};

constexpr std::array kDossierReasons{
    "Dossier rejeté par le SNE : fiche de transmission illisible",
    "Dossier rejeté par le SNE : pièces d'un autre demandeur",
};

constexpr int kLostPerThousand = 5;  ///< plis lost on the way: en cours for ever
constexpr int kPlisPerDemande = 5;   ///< on average, counting the territory's demandes
constexpr int kMaxNewDemandes = 50000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

/// An instant of [from, to], mostly in office hours (07:00 to 19:00 UTC, Monday to Friday).
std::int64_t transmission(std::mt19937& rng, std::int64_t from, std::int64_t to) {
  std::uniform_int_distribution<std::int64_t> when(from, to);
  std::int64_t t = when(rng);
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::int64_t hour = (t - floor_div(t, kDay) * kDay) / 3600;
    const bool office = !Date::from_days(static_cast<long>(floor_div(t, kDay))).is_weekend() &&
                        hour >= 7 && hour < 19;
    if (office || rng() % 10 == 0) break;
    t = when(rng);
  }
  return t;
}

/// The territory's open demandes and, when they are too few for `plis`, new ones registered
/// before `before` under the guichet's code. `created` counts the new ones.
std::vector<std::string> demandes_for(Db& db, std::mt19937& rng, const std::string& territoire,
                                      const std::string& guichet, int plis, std::int64_t before,
                                      int& created) {
  std::vector<std::string> out;
  auto existing = db.prepare(
      "SELECT numero FROM demandes WHERE territoire = ? AND date_radiation IS NULL ORDER BY "
      "numero");
  existing.bind(territoire);
  while (existing.step()) out.push_back(existing.text(0));
  const int wanted = (plis + kPlisPerDemande - 1) / kPlisPerDemande;
  const int missing = std::min(kMaxNewDemandes, wanted - static_cast<int>(out.size()));
  auto insert = db.prepare(
      "INSERT OR IGNORE INTO demandes (numero, territoire, nom, prenom, date_naissance) "
      "VALUES (?, ?, ?, ?, ?)");
  std::uniform_int_distribution<std::int64_t> registered(before - kDay * 365 * 6, before);
  std::uniform_int_distribution<int> sequence(0, 999999), birth_year(1940, 2004),
      birth_month(1, 12), birth_day(1, 28);
  created = 0;
  while (created < missing) {
    const Date day = Date::from_days(static_cast<long>(floor_div(registered(rng), kDay)));
    std::string numero = fmt::format("{}{:02}{:02}{:06}{}", territoire, day.month(),
                                     day.year() % 100, sequence(rng), guichet);
    insert.reset();
    insert.bind(numero, territoire, pick(rng, demo::kNoms), pick(rng, demo::kPrenoms),
                fmt::format("{}-{:02}-{:02}", birth_year(rng), birth_month(rng), birth_day(rng)));
    insert.step();
    if (db.changes() == 0) continue;  // that numéro exists already: draw another
    out.push_back(std::move(numero));
    ++created;
  }
  return out;
}

/// The statements run for every pli, prepared once.
struct PliWriter {
  explicit PliWriter(Db& db)
      : pli(db.prepare("INSERT OR IGNORE INTO plis (transaction_id, numero, guichet, contexte, "
                       "statut, date_transmission, date_statut, stuck, nb_pieces) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")),
        piece(db.prepare("INSERT INTO pli_pieces (transaction_id, position, type, nom_fichier, "
                         "taille, resultat, motif) VALUES (?, ?, ?, ?, ?, ?, ?)")),
        history(db.prepare("INSERT INTO pli_history (transaction_id, position, statut, date) "
                           "VALUES (?, ?, ?, ?)")) {}
  Stmt pli, piece, history;
};

}  // namespace

SeededPlis seed_plis(Db& db, const SeedPlisOptions& options, const std::string& territoire,
                     Timestamp now_time) {
  const std::int64_t now = to_seconds(now_time);
  const std::int64_t from = std::max<std::int64_t>(0, now - options.days * kDay);
  std::int64_t plis_before = 0;
  {
    auto st = db.prepare("SELECT count(*) FROM plis");
    st.step();
    plis_before = st.int64(0);
  }
  // The same database at the same sandbox time gives the same plis.
  std::seed_seq seq{static_cast<std::uint32_t>(plis_before),
                    static_cast<std::uint32_t>(now),
                    static_cast<std::uint32_t>(now >> 32),
                    static_cast<std::uint32_t>(options.count),
                    static_cast<std::uint32_t>(options.days),
                    static_cast<std::uint32_t>(std::hash<std::string>{}(options.guichet))};
  std::mt19937 rng(seq);

  SeededPlis out;
  out.guichet = options.guichet;
  out.territoire = territoire;
  const auto demandes =
      demandes_for(db, rng, territoire, options.guichet, options.count, from, out.demandes_created);
  out.demandes = static_cast<int>(demandes.size());
  std::uniform_int_distribution<std::size_t> which_demande(0, demandes.size() - 1);
  std::uniform_int_distribution<std::int64_t> hours_of_work(300, 8 * std::int64_t{3600}),
      size(40000, 2000000);
  std::uniform_int_distribution<int> per_thousand(0, 999);

  PliWriter w(db);
  std::int64_t first = now, last = from;
  for (int i = 0; i < options.count; ++i) {
    const std::string& numero = demandes[which_demande(rng)];
    const std::int64_t sent = transmission(rng, from, now);
    const char* contexte = draw(rng, kContextes);
    const bool lost = per_thousand(rng) < kLostPerThousand;
    StatutPli statut = draw(rng, kOutcomes);
    std::int64_t changed =
        sent + std::min(6 * kDay, draw(rng, kProcessingDays) * kDay + hours_of_work(rng));
    // Not processed yet, or never will be: the sandbox's numériseur leaves it alone (stuck).
    const bool en_cours = lost || changed > now;
    if (en_cours) {
      statut = StatutPli::numerisation_en_cours;
      changed = sent;
    }
    const std::string code(info(statut).code);
    const int pieces = draw(rng, kPiecesPerPli);
    std::string tx;
    do {  // a transaction id already taken, by this run or before it: draw another
      tx = demo::transaction_id(rng);
      w.pli.reset();
      w.pli.bind(tx, numero, options.guichet, contexte, code, sent, changed, en_cours, pieces);
      w.pli.step();
    } while (db.changes() == 0);

    w.history.reset();
    w.history.bind(tx, 0, "numerisation_en_cours", sent);
    w.history.step();
    if (!en_cours) {
      w.history.reset();
      w.history.bind(tx, 1, code, changed);
      w.history.step();
    }

    const int rejected = std::uniform_int_distribution<int>(0, pieces - 1)(rng);
    const char* dossier_reason = pick(rng, kDossierReasons);
    for (int p = 0; p < pieces; ++p) {
      const std::string type = pick(rng, demo::kTypes);
      std::string resultat = "en_attente", motif;
      switch (statut) {
        case StatutPli::enregistrement_complet: resultat = "acceptee"; break;
        case StatutPli::rejet_pieces:
          resultat = p == rejected ? "rejetee" : "acceptee";
          if (p == rejected) motif = pick(rng, demo::kRejectReasons);
          break;
        case StatutPli::rejet_dossier:
          resultat = "rejetee";
          motif = dossier_reason;
          break;
        case StatutPli::numerisation_en_cours:
        case StatutPli::non_applicable: break;
      }
      w.piece.reset();
      w.piece.bind(tx, p, type, fmt::format("{}_{}.pdf", type, p + 1), size(rng), resultat, motif);
      w.piece.step();
    }
    ++out.by_statut[statut];
    first = std::min(first, sent);
    last = std::max(last, sent);
  }
  out.added = options.count;
  out.first = from_seconds(first);
  out.last = from_seconds(last);
  return out;
}

}  // namespace sne::sandbox
