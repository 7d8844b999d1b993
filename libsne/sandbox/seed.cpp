// The demo data of a new sandbox. Guichets and agents are fixed (the README and the tests name
// them); demandes, pieces and plis come from a fixed pseudo-random sequence so that every
// sandbox looks alike, dated back from the moment of seeding.
#include <array>
#include <optional>
#include <random>

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sandbox/demo_data.hpp"
#include "sandbox/store.hpp"
#include "sne/catalog.hpp"
#include "sne/date.hpp"
#include "sne/sandbox.hpp"

namespace sne::sandbox {

std::string demo::transaction_id(std::mt19937& rng) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::uniform_int_distribution<int> length(12, 13), pick(0, 35);
  std::string id(static_cast<std::size_t>(length(rng)), 'a');
  for (char& c : id) c = kAlphabet[pick(rng)];
  return id;
}

using namespace demo;

namespace {

struct GuichetSeed {
  const char* code;
  const char* nom;
  const char* siret;
  const char* territoire;
  const char* email;
};

constexpr std::array kGuichets{
    GuichetSeed{"G3401", "Mairie de Montpellier", "21340172200011", "034",
                "logement@montpellier.sandbox.sne.test"},
    GuichetSeed{"G6901", "Lyon Métropole Habitat", "26690027300019", "069",
                "demandes@lmh.sandbox.sne.test"},
    GuichetSeed{"G1101", "Action Logement Services Île-de-France", "78330901600013", "111",
                "idf@actionlogement.sandbox.sne.test"},
    GuichetSeed{"G9741", "Mairie de Saint-Denis (La Réunion)", "21974011500015", "974",
                "habitat@saintdenis.sandbox.sne.test"},
    GuichetSeed{"G5701", "Metz Habitat Territoire", "20004697700019", "057",
                "accueil@mht.sandbox.sne.test"},
};

struct UserSeed {
  const char* email;
  const char* nom;
  const char* prenom;
  const char* telephone;
  const char* role;
  std::array<const char*, 3> guichets;  // the first is the current one
  bool referent;
};

constexpr std::array kUsers{
    UserSeed{kSandboxReferent,
             "Dupuis",
             "Martine",
             "0467000001",
             "referent",
             {"G3401", "G6901", nullptr},
             true},
    UserSeed{kSandboxAgent,
             "Benali",
             "Karim",
             "0467000002",
             "agent",
             {"G3401", nullptr, nullptr},
             false},
    UserSeed{kSandboxMulti,
             "Laurent",
             "Sophie",
             "0472000003",
             "agent",
             {"G6901", "G1101", "G9741"},
             false},
    UserSeed{"agent.metz@sandbox.sne.test",
             "Schmitt",
             "Paul",
             "0387000004",
             "agent",
             {"G5701", nullptr, nullptr},
             false},
};

constexpr std::array kStatuts{"numerisation_en_cours", "rejet_pieces", "rejet_dossier",
                              "enregistrement_complet", "non_applicable"};

constexpr int kDemandesPerGuichet = 8;
constexpr int kPlisPerGuichet = 15;

void insert_guichets_and_users(Db& db) {
  for (const auto& g : kGuichets)
    db.run(
        "INSERT INTO guichets (code, nom, siret, territoire, email_reference) "
        "VALUES (?, ?, ?, ?, ?)",
        g.code, g.nom, g.siret, g.territoire, g.email);
  for (const auto& u : kUsers) {
    db.run(
        "INSERT INTO users (email, nom, prenom, telephone, role, password_hash, "
        "current_guichet) VALUES (?, ?, ?, ?, ?, ?, ?)",
        u.email, u.nom, u.prenom, u.telephone, u.role,
        crypto::hash_password(kSandboxPassword, crypto::kPasswordIterations), u.guichets[0]);
    const std::int64_t id = db.last_insert_rowid();
    int position = 0;
    for (const char* g : u.guichets) {
      if (g == nullptr) break;
      db.run(
          "INSERT INTO user_guichets (user_id, guichet, referent, position) "
          "VALUES (?, ?, ?, ?)",
          id, g, u.referent, position++);
    }
  }
}

void insert_account_requests(Db& db, std::int64_t now) {
  struct RequestSeed {
    const char* statut;
    const char* nom;
    const char* prenom;
    const char* email;
    const char* guichet;
    const char* motif;
    std::int64_t age_days;
  };
  constexpr std::array kRequests{
      RequestSeed{"en_attente", "Garcia", "Lucie", "lucie.garcia@montpellier.sandbox.sne.test",
                  "G3401", "", 2},
      RequestSeed{"en_attente", "Faure", "Antoine", "antoine.faure@lmh.sandbox.sne.test", "G6901",
                  "", 1},
      RequestSeed{"rejetee", "Blanc", "Julien", "julien.blanc@example.test", "G3401",
                  "Adresse e-mail non nominative", 10},
  };
  for (const auto& r : kRequests) {
    // Random as the ids of real requests (routes_accounts.cpp): anyone may read a request by
    // its id, name, e-mail and telephone included, so no id may be guessed.
    const std::string id = "req-" + crypto::random_alnum(20);
    db.run(
        "INSERT INTO account_requests (id, statut, nom, prenom, email, telephone, "
        "type_organisme, organisme, motif, created_at, decided_at) "
        "VALUES (?, ?, ?, ?, ?, '0400000000', 'commune', 'Demo', ?, ?, ?)",
        id, r.statut, r.nom, r.prenom, r.email, r.motif, now - r.age_days * kDay,
        std::string_view(r.statut) == "en_attente"
            ? std::optional<std::int64_t>()
            : std::optional<std::int64_t>(now - (r.age_days - 1) * kDay));
    db.run("INSERT INTO account_request_guichets (request_id, guichet, position) VALUES (?, ?, 0)",
           id, r.guichet);
  }
}

// Categories hold 2 pieces: the seed never breaks the rule it demonstrates.
int stored_of_type(Db& db, const std::string& numero, const std::string& type) {
  auto st = db.prepare("SELECT count(*) FROM pieces WHERE numero = ? AND type = ?");
  st.bind(numero, type);
  st.step();
  return static_cast<int>(st.int64(0));
}

/// The dates the numériseur read on a seeded piece: plausible for its type's validity rule,
/// some of them obsolete on purpose so that `sne dossier show` has something to flag.
struct SeedDates {
  std::optional<std::string> emission, expiration;
  std::optional<int> annee_revenus;
};

SeedDates dates_for(const std::string& type, std::int64_t added, std::mt19937& rng) {
  SeedDates d;
  const PieceType* t = Catalog::builtin().find_type(type);
  if (t == nullptr) return d;
  const long added_day = static_cast<long>(added / kDay);
  auto iso = [](long day) { return Date::from_days(day).iso(); };
  switch (t->validity.kind) {
    case ValidityRule::Kind::unexpired:
      d.emission = iso(added_day - 400 - static_cast<long>(rng() % 2000));
      d.expiration = iso(added_day - 60 + static_cast<long>(rng() % 2500));
      break;
    case ValidityRule::Kind::issued_within:
      d.emission = iso(added_day - static_cast<long>(rng() % 150));
      break;
    case ValidityRule::Kind::tax_year:
      d.annee_revenus = Date::from_days(added_day).year() - 1 - static_cast<int>(rng() % 3);
      d.emission = iso(added_day - 100 - static_cast<long>(rng() % 200));
      break;
    case ValidityRule::Kind::none:
      d.emission = iso(added_day - static_cast<long>(rng() % 3000));
      break;
  }
  return d;
}

void insert_demandes_and_plis(Db& db, std::int64_t now) {
  std::mt19937 rng(20161201);
  std::mt19937 dates_rng(7);  // its own sequence: the rest of the seed does not move
  int piece_seq = 0;
  int sequence = 100;
  for (const auto& g : kGuichets) {
    std::vector<std::string> numeros;
    for (int i = 0; i < kDemandesPerGuichet; ++i) {
      const int month = 1 + (i * 5 + sequence) % 12;
      const int year = 23 + i % 3;
      const std::string numero =
          fmt::format("{}{:02}{:02}{:06}{}", g.territoire, month, year, 4000 + ++sequence, g.code);
      numeros.push_back(numero);
      // The last demande of each guichet was radiated three weeks ago: the numériseur
      // rejects what is sent to it.
      std::optional<std::string> radiation;
      if (i == kDemandesPerGuichet - 1)
        radiation = Date::from_days(static_cast<long>(now / kDay) - 21).iso();
      db.run(
          "INSERT INTO demandes (numero, territoire, nom, prenom, date_naissance, "
          "date_radiation) VALUES (?, ?, ?, ?, ?, ?)",
          numero, g.territoire, pick(rng, kNoms), pick(rng, kPrenoms),
          fmt::format("{}-{:02}-{:02}", 1950 + static_cast<int>(rng() % 50), 1 + rng() % 12,
                      1 + rng() % 28),
          radiation);
    }
    for (int i = 0; i < kPlisPerGuichet; ++i) {
      const std::string tx = transaction_id(rng);
      const std::string& numero = numeros[static_cast<std::size_t>(i) % numeros.size()];
      // Every status appears for every guichet. The newest pli was registered (and fills a
      // category); the next ones are stuck at the numériseur (paper lost in the pipeline: the
      // sandbox's numériseur never processes them), so some plis are overdue.
      const char* statut = i == 0  ? kStatuts[3]
                           : i < 3 ? kStatuts[0]
                                   : kStatuts[static_cast<std::size_t>(i) % 5];
      const std::int64_t sent = now - (i * 4 + 1) * kDay - static_cast<std::int64_t>(rng() % 36000);
      const bool final = std::string_view(statut) != kStatuts[0];
      const std::int64_t changed = final ? sent + (1 + i % 4) * kDay : sent;
      const char* contexte = pick(rng, std::array{"CRE", "REN", "MAJ", "AJO", "AJO"});
      // The first demande of each guichet gets two payslips: its category is full.
      const int count = i == 0 ? 2 : 1 + static_cast<int>(rng() % 3);
      db.run(
          "INSERT INTO plis (transaction_id, numero, guichet, contexte, statut, "
          "date_transmission, date_statut, stuck, nb_pieces) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          tx, numero, g.code, contexte, statut, sent, changed, final ? 0 : 1, count);
      db.run(
          "INSERT INTO pli_history (transaction_id, position, statut, date) "
          "VALUES (?, 0, 'numerisation_en_cours', ?)",
          tx, sent);
      if (final)
        db.run(
            "INSERT INTO pli_history (transaction_id, position, statut, date) "
            "VALUES (?, 1, ?, ?)",
            tx, statut, changed);
      for (int p = 0; p < count; ++p) {
        std::string type = i == 0 ? "bulletins_salaire" : pick(rng, kTypes);
        while (stored_of_type(db, numero, type) >= 2) type = pick(rng, kTypes);
        const std::string file = fmt::format("{}_{}.pdf", type, p + 1);
        const std::int64_t size = 80000 + static_cast<std::int64_t>(rng() % 900000);
        std::string resultat = "en_attente", motif;
        if (std::string_view(statut) == "enregistrement_complet") resultat = "acceptee";
        if (std::string_view(statut) == "rejet_dossier") {
          resultat = "rejetee";
          motif = "Dossier rejeté par le SNE : numéro unique radié";
        }
        if (std::string_view(statut) == "rejet_pieces") {
          resultat = p == 0 ? "rejetee" : "acceptee";
          if (p == 0) motif = pick(rng, kRejectReasons);
        }
        const SeedDates dates = dates_for(type, changed, dates_rng);
        db.run(
            "INSERT INTO pli_pieces (transaction_id, position, type, nom_fichier, taille, "
            "resultat, motif, date_emission, date_expiration, annee_revenus) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tx, p, type, file, size, resultat, motif, dates.emission, dates.expiration,
            dates.annee_revenus);
        // Pieces join the demande when the numériseur accepts them.
        if (resultat == "acceptee")
          db.run(
              "INSERT INTO pieces (id, numero, type, nom_fichier, taille, date_ajout, "
              "transaction_id, date_emission, date_expiration, annee_revenus) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              fmt::format("pc{:06}", ++piece_seq), numero, type, file, size, changed, tx,
              dates.emission, dates.expiration, dates.annee_revenus);
      }
    }
  }
}

}  // namespace

void seed(Db& db, Timestamp now_time) {
  const std::int64_t now = to_seconds(now_time);
  insert_guichets_and_users(db);
  insert_account_requests(db, now);
  insert_demandes_and_plis(db, now);
}

}  // namespace sne::sandbox
