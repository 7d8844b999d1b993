/// @file
/// The plan de classement: rubriques, piece types and their rules.
///
/// The library embeds a versioned catalog (Catalog::builtin()) that follows the annex of the
/// arrêté du 22 décembre 2020 as modified in 2022. An administrator may replace it whole with a
/// JSON file of the same schema (Catalog::load_file); `sne piece types --json` prints a catalog
/// in exactly that schema, so it can be edited and loaded back. A Catalog is immutable and safe
/// to share between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/format.hpp"

namespace sne {

/// Whether a piece type is in the arrêté's list (DOMAIN.md: périmètre réglementaire or not).
enum class Perimetre {
  reglementaire,   ///< in the arrêté's list
  hors_perimetre,  ///< received in practice, not in the arrêté's list
};
SNE_EXPORT std::string_view to_string(Perimetre p) noexcept;  ///< "reglementaire", "hors_perimetre"
SNE_EXPORT std::string_view label_fr(Perimetre p) noexcept;   ///< "Périmètre réglementaire"

/// Whether a piece type is needed, and for what.
enum class Requirement {
  complementaire,  ///< useful, never required
  enregistrement,  ///< required to register a demande (identity, régularité du séjour)
  instruction,     ///< required to instruct it (avis d'imposition)
};
/// The snake_case name of a requirement ("complementaire", "enregistrement", "instruction").
SNE_EXPORT std::string_view to_string(Requirement r) noexcept;

/// How long a piece of a type stays valid.
struct SNE_EXPORT ValidityRule {
  /// The kinds of validity rule.
  enum class Kind {
    none,           ///< never expires (birth certificate, judgment)
    unexpired,      ///< valid until the end date it carries (identity card, titre de séjour)
    issued_within,  ///< valid `months` months after its issue date (pay slip, rent receipt)
    tax_year,       ///< an avis d'imposition on the income of year N-k, k in `years_back`
  };
  /// Which rule applies; `months` and `years_back` are read according to it.
  Kind kind = Kind::none;
  int months = 0;               ///< issued_within only: 1 to 120
  std::vector<int> years_back;  ///< tax_year only: accepted k, most expected first (e.g. 2, 1)

  /// French description: "en cours de validité", "émis depuis moins de 3 mois",
  /// "revenus de l'année N-2 ou N-1", "sans limite de validité".
  std::string describe_fr() const;
};
SNE_EXPORT std::string_view to_string(ValidityRule::Kind k) noexcept;  ///< "none", "unexpired", ...

/// What is known of one piece's dates; each field is optional.
struct PieceDates {
  std::optional<Date> issued;   ///< date of issue (délivrance, émission)
  std::optional<Date> expires;  ///< end of validity printed on the document
  std::optional<int> tax_year;  ///< for an avis d'imposition: the year of the income
};

/// The verdict of check_validity() on one piece.
struct ValidityCheck {
  /// The three verdicts.
  enum class Outcome { valid, obsolete, unknown };
  /// @var Outcome::valid
  /// Within its validity on the day.
  /// @var Outcome::obsolete
  /// Out of its validity (expired, issued too long ago, the wrong tax year).
  /// @var Outcome::unknown
  /// A date the rule needs is missing: the piece cannot be judged.

  /// The verdict.
  Outcome outcome = Outcome::unknown;
  /// Why, in French, when obsolete or unknown: "expiré le 2024-03-01", "date d'émission
  /// inconnue".
  std::string reason;
};

/// Applies `rule` to a piece with `dates`, on day `on`.
SNE_EXPORT ValidityCheck check_validity(const ValidityRule& rule, const PieceDates& dates, Date on);

/// A type of pièce justificative in the plan de classement, with the rules that apply to it.
struct PieceType {
  std::string code;      ///< stable snake_case code, unique in the catalog: "piece_identite"
  std::string label;     ///< French label as the PWP shows it
  std::string rubrique;  ///< code of the rubrique it belongs to
  /// In the arrêté's list or not.
  Perimetre perimetre = Perimetre::reglementaire;
  /// Whether the type is needed to register or to instruct a demande.
  Requirement required = Requirement::complementaire;
  /// How long a piece of this type stays valid.
  ValidityRule validity;
  bool sensitive = false;       ///< restricted to a dedicated profile; never log its content
  std::vector<Format> formats;  ///< accepted formats, never empty
  std::uint64_t max_bytes = 0;  ///< size limit of one file, > 0
  int max_pieces = 2;           ///< how many pieces of this type a demande holds at most
};

/// A rubrique of the form (identité, ressources, logement actuel...) and its piece types.
struct Rubrique {
  std::string code;   ///< "identite", "ressources"...
  std::string label;  ///< "Identité du demandeur"
  /// Its piece types, in the catalog's order.
  std::vector<PieceType> types;
};

/// The plan de classement: rubriques, their piece types and the rules of each. Immutable once
/// made, and safe to share between threads.
class SNE_EXPORT Catalog {
 public:
  /// The catalog embedded in this version of libsne. Never fails.
  static const Catalog& builtin();
  /// Parses a catalog document. `origin` (a file name) prefixes error messages. Errors are
  /// invalid_input with the JSON path of the first fault as subject and in the message:
  /// "catalog.json: rubriques[1].types[0].max_pieces: expected an integer from 1 to 20".
  static Result<Catalog> from_json(std::string_view text, std::string_view origin = "catalog");
  /// Reads and parses a file (at most 4 MiB); io errors name the path.
  static Result<Catalog> load_file(const std::string& path);

  /// The catalog's revision, e.g. "2022-04-19".
  const std::string& version() const noexcept { return version_; }
  /// The texts it follows.
  const std::string& source() const noexcept { return source_; }
  /// The rubriques, in the catalog's order.
  const std::vector<Rubrique>& rubriques() const noexcept { return rubriques_; }
  /// Defaults applied to types that do not set their own.
  const std::vector<Format>& default_formats() const noexcept { return default_formats_; }
  /// Size limit of one file for types that set none, in bytes.
  std::uint64_t default_max_bytes() const noexcept { return default_max_bytes_; }
  /// How many pieces of a type a demande holds at most, for types that set none (2 in the
  /// built-in catalog).
  int default_max_pieces() const noexcept { return default_max_pieces_; }

  /// nullptr when unknown. Codes are matched exactly.
  const PieceType* find_type(std::string_view code) const noexcept;
  /// The rubrique with this code; nullptr when unknown.
  const Rubrique* find_rubrique(std::string_view code) const noexcept;
  /// The number of piece types, over all rubriques.
  std::size_t type_count() const noexcept;

  /// The catalog as a document of the schema from_json reads (indented by 2).
  std::string to_json() const;

 private:
  std::string version_;
  std::string source_;
  std::vector<Format> default_formats_;
  std::uint64_t default_max_bytes_ = 0;
  int default_max_pieces_ = 2;
  std::vector<Rubrique> rubriques_;
};

}  // namespace sne
