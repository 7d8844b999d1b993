/// @file
/// A demande's pieces seen through the plan de classement, and the plan of
/// which pieces to delete so that new ones fit.
///
/// Both are pure functions of a Demande (from Service::demande), a Catalog and a day: they call
/// no service, read no clock and never fail for data the service may return. A piece whose type
/// the catalog does not know is shown apart and never planned for deletion. Running a plan
/// (run_cleanup) is the one function here that calls the service: it deletes.
///
/// File names are the user's own data: the view and the plan carry them, for sensitive types too
/// (the type's `sensitive` flag is carried along). Library code never logs them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/catalog.hpp"
#include "sne/date.hpp"
#include "sne/demande.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/service.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// The dates of a stored piece, as check_validity() reads them.
SNE_EXPORT PieceDates dates_of(const StoredPiece& piece);

/// One stored piece and its validity on the day of the view.
struct DossierPiece {
  /// The piece as the service stores it.
  StoredPiece piece;
  /// Per the type's rule; unknown (reason "type absent du catalogue") for an unknown type.
  ValidityCheck validity;
};

/// The pieces of one type (one catégorie) of the demande.
struct DossierCategory {
  std::string type;   ///< catalog type code
  std::string label;  ///< the type's French label
  /// In the arrêté's list or not.
  Perimetre perimetre = Perimetre::reglementaire;
  /// Whether the type is needed to register or to instruct the demande.
  Requirement required = Requirement::complementaire;
  /// A type restricted to a dedicated profile: never log its pieces' file names or content.
  bool sensitive = false;
  /// How many pieces of this type the demande holds at most (the catalog's rule, usually 2).
  int max_pieces = 2;
  std::string validity_rule;         ///< the rule in French (ValidityRule::describe_fr)
  std::vector<DossierPiece> pieces;  ///< oldest first (date_ajout, then id)

  /// The pieces held.
  int count() const noexcept { return static_cast<int>(pieces.size()); }
  /// No room for another piece: count() >= max_pieces.
  bool full() const noexcept { return count() >= max_pieces; }
};

/// A rubrique of the plan de classement and the categories of the demande that hold pieces.
struct DossierRubrique {
  /// The rubrique's code ("identite").
  std::string code;
  /// The rubrique's French label ("Identité du demandeur").
  std::string label;
  std::vector<DossierCategory> categories;  ///< types holding pieces, in catalog order
};

/// A type the catalog requires (to register or to instruct) that has no piece.
struct MissingType {
  /// The missing type's catalog code.
  std::string type;
  /// Its French label.
  std::string label;
  std::string rubrique;  ///< rubrique code
  /// Whether it is needed to register (enregistrement) or to instruct (instruction) the demande.
  Requirement required = Requirement::enregistrement;
};

/// A demande's pieces filed by the plan de classement, each with its validity on one day, and
/// what the catalog requires that is missing (build_dossier_view()).
struct SNE_EXPORT DossierView {
  /// The demande's numéro unique.
  std::string numero_unique;
  /// The demande's code territoire.
  std::string territoire;
  /// The applicant.
  Demandeur demandeur;
  std::optional<Date> date_radiation;  ///< set: the demande receives no more pieces
  Date on;                             ///< the day validity was checked on
  /// Catalog::version() of the catalog the view was built with.
  std::string catalog_version;
  std::vector<DossierRubrique> rubriques;  ///< rubriques holding pieces, in catalog order
  /// Pieces whose type the catalog does not know, oldest first: shown, never dropped.
  std::vector<DossierPiece> unknown_type;
  std::vector<MissingType> missing;  ///< in catalog order

  /// Every piece of the view (unknown types included).
  std::size_t piece_count() const noexcept;
};

/// The view of `demande` with `catalog` on day `on`.
SNE_EXPORT DossierView build_dossier_view(const Demande& demande, const Catalog& catalog, Date on);

/// Pieces about to be added: `adding` pieces of `type`.
struct CleanupTarget {
  std::string type;  ///< catalog type code
  int adding = 1;    ///< at least 1
};

/// Why a piece is planned for deletion, in the order pieces are chosen within a category:
/// obsolete ones first, then those whose validity cannot be told (a date is missing), then the
/// oldest of the valid ones.
enum class DeletionReason { obsolete, validity_unknown, oldest };
/// @var DeletionReason::obsolete
/// Out of its validity on the day of the plan.
/// @var DeletionReason::validity_unknown
/// Its validity cannot be told: a date its type's rule needs is missing.
/// @var DeletionReason::oldest
/// Valid, but the oldest of its category.

SNE_EXPORT std::string_view to_string(
    DeletionReason r) noexcept;  ///< "obsolete", "validity_unknown"...

/// A piece chosen for deletion, and why.
struct PlannedDeletion {
  /// The piece's id in the service (StoredPiece::id), to delete it.
  std::string piece_id;
  /// Its catalog type code.
  std::string type;
  /// Its file name as sent (user data: see `sensitive`).
  std::string nom_fichier;
  /// When it was added to the demande.
  Timestamp date_ajout;
  bool sensitive = false;  ///< of a sensitive type: never log its file name
  /// Why it was chosen.
  DeletionReason reason = DeletionReason::oldest;
  /// In French: "obsolète: expiré le 2024-03-01", "validité inconnue: date d'émission
  /// inconnue", "la plus ancienne".
  std::string reason_fr;
};

/// One targeted category: its counts before and after the plan.
struct CategoryPlan {
  /// The category's catalog type code.
  std::string type;
  /// Its French label.
  std::string label;
  /// How many pieces the category holds at most.
  int max_pieces = 2;
  int before = 0;    ///< pieces held now
  int adding = 0;    ///< pieces about to be added
  int deleting = 0;  ///< max(0, before + adding - max_pieces)
  int after = 0;     ///< before - deleting + adding: at most max_pieces

  /// True when the category had no room before the plan: pieces must go.
  bool full_before() const noexcept { return before >= max_pieces; }
};

/// Which pieces of a demande must go so that new ones fit (plan_cleanup()). A plan only:
/// nothing is deleted until run_cleanup().
struct CleanupPlan {
  /// The demande the plan is for.
  std::string numero_unique;
  /// The day validity was judged on.
  Date on;
  /// The targeted categories: full ones first, then the others, each group in the order the
  /// targets first named them.
  std::vector<CategoryPlan> categories;
  /// What to delete, category by category in the order of `categories`.
  std::vector<PlannedDeletion> deletions;

  /// True when every targeted category has room already.
  bool nothing_to_delete() const noexcept { return deletions.empty(); }
};

/// Which pieces of `demande` must go so that `targets` fit, checked on day `on`. Targets of the
/// same type add up. In each targeted category exactly max(0, count + adding - max_pieces)
/// pieces are chosen, in DeletionReason order, the oldest first (date_ajout, then id) within a
/// reason; nothing outside the targeted categories is chosen.
/// Errors: invalid_input (subject: the type) for an unknown type, an `adding` below 1, or more
/// pieces of a type than its category holds; invalid_input when `targets` is empty; conflict
/// when the demande is radiated (it cannot receive pieces).
SNE_EXPORT Result<CleanupPlan> plan_cleanup(const Demande& demande, const Catalog& catalog,
                                            const std::vector<CleanupTarget>& targets, Date on);

/// Parses a target as given on the command line: "TYPE" (one piece) or "TYPE:N" (N pieces,
/// 1 to 20). invalid_input whose subject is "target" otherwise. The type is not looked up.
SNE_EXPORT Result<CleanupTarget> parse_cleanup_target(std::string_view text);

/// The view as JSON (what `sne dossier show --json` prints).
SNE_EXPORT Json to_json(const DossierView& view);
/// The plan as JSON (the "plan" of `sne dossier clean --json`).
SNE_EXPORT Json to_json(const CleanupPlan& plan);

/// What running a cleanup plan did.
struct CleanupOutcome {
  bool dry_run = false;        ///< nothing was to be deleted
  std::size_t deleted = 0;     ///< the first `deleted` pieces of plan.deletions are gone
  std::optional<Error> error;  ///< the failure that stopped it, "piece ID: ..."; none: all done
  /// True when every planned deletion was made (or none was to be made).
  bool ok() const noexcept { return !error.has_value(); }
};

/// Deletes the pieces of `plan`, in its order, through `service`, calling `on_deleted` (optional)
/// after each; the first failure stops it, prefixed with the piece's id ("piece pc000001: ..."),
/// and the pieces after it are left. With `dry_run`, or a plan with nothing to delete, nothing
/// is called.
SNE_EXPORT CleanupOutcome
run_cleanup(Service& service, const CleanupPlan& plan, bool dry_run,
            const std::function<void(const PlannedDeletion&)>& on_deleted = {});

/// The plan and what was done (what `sne dossier clean --json` prints): the plan's members,
/// then dry_run, deleted (the ids gone) and not_deleted (the ids left), in the plan's order.
SNE_EXPORT Json to_json(const CleanupPlan& plan, const CleanupOutcome& outcome);

/// Checks that every id of `piece_ids` is a piece of `demande`, so that a deletion of several
/// pieces starts only when none is missing. not_found otherwise, naming every missing id in the
/// message ("no piece 'pc1' in demande N", "no pieces 'pc1', 'pc2' in demande N") and the first
/// as the subject.
SNE_EXPORT Status check_pieces_exist(const Demande& demande,
                                     const std::vector<std::string>& piece_ids);

/// What deleting pieces by id did.
struct PieceDeletion {
  /// The demande whose pieces were deleted.
  std::string numero_unique;
  std::vector<std::string> deleted;  ///< the ids gone, in the order asked
  std::optional<Error> error;        ///< the failure that stopped it; none: all deleted
  /// True when every piece asked was deleted.
  bool ok() const noexcept { return !error.has_value(); }
};

/// Deletes the pieces `piece_ids` of the demande `numero_unique`, in order, through `service`,
/// calling `on_deleted` (optional) after each; the first failure stops it, as the service gave
/// it, and the ids after it are left. Check them first with check_pieces_exist.
SNE_EXPORT PieceDeletion delete_pieces(
    Service& service, const std::string& numero_unique, const std::vector<std::string>& piece_ids,
    const std::function<void(const std::string& piece_id)>& on_deleted = {});

/// numero_unique and deleted (what `sne piece rm --json` prints).
SNE_EXPORT Json to_json(const PieceDeletion& deletion);
}  // namespace sne
