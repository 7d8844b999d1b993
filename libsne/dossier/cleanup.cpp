// The cleanup planner: which pieces to delete so that the pieces about to be added fit.
#include <algorithm>
#include <charconv>
#include <iterator>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "dossier/order.hpp"
#include "sne/dossier.hpp"
#include "sne/text.hpp"

namespace sne {

namespace {

constexpr int kMaxAdding = 20;  // the largest max_pieces a catalog may give

struct Candidate {
  const StoredPiece* piece;
  DeletionReason reason;
  std::string why;  // the validity check's reason
};

std::string reason_fr(const Candidate& c) {
  switch (c.reason) {
    case DeletionReason::obsolete: return "obsolète: " + c.why;
    case DeletionReason::validity_unknown: return "validité inconnue: " + c.why;
    case DeletionReason::oldest: return "la plus ancienne";
  }
  return {};
}

/// The pieces of `type` in the order they should go.
std::vector<Candidate> deletion_order(const Demande& demande, const PieceType& type, Date on) {
  std::vector<const StoredPiece*> pieces;
  for (const auto& p : demande.pieces)
    if (p.type == type.code) pieces.push_back(&p);
  dossier::sort_oldest_first(pieces);
  std::vector<Candidate> out;
  for (const StoredPiece* p : pieces) {
    ValidityCheck v = check_validity(type.validity, dates_of(*p), on);
    DeletionReason r = DeletionReason::oldest;
    if (v.outcome == ValidityCheck::Outcome::obsolete) r = DeletionReason::obsolete;
    if (v.outcome == ValidityCheck::Outcome::unknown) r = DeletionReason::validity_unknown;
    out.push_back({p, r, std::move(v.reason)});
  }
  // Stable: within a reason, the oldest stays first.
  std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return static_cast<int>(a.reason) < static_cast<int>(b.reason);
  });
  return out;
}

/// The targets merged by type, in the order each type was first named; errors name the type.
Result<std::vector<CategoryPlan>> merge_targets(const Catalog& catalog,
                                                const std::vector<CleanupTarget>& targets) {
  if (targets.empty())
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("no piece to add: name at least one type")), "targets");
  std::vector<CategoryPlan> merged;
  for (const auto& t : targets) {
    const PieceType* type = catalog.find_type(t.type);
    if (type == nullptr)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("unknown piece type '{}'"), printable(t.type)), "type");
    if (t.adding < 1)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("'{}': the number of pieces to add must be at least 1"), t.type),
                   t.type);
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const CategoryPlan& c) { return c.type == t.type; });
    if (it == merged.end()) {
      CategoryPlan c;
      c.type = type->code;
      c.label = type->label;
      c.max_pieces = type->max_pieces;
      merged.push_back(std::move(c));
      it = std::prev(merged.end());
    }
    // Capped past the largest max_pieces: a huge N cannot overflow.
    it->adding =
        t.adding > kMaxAdding ? kMaxAdding + 1 : std::min(it->adding + t.adding, kMaxAdding + 1);
    if (it->adding > it->max_pieces)
      return Error(ErrorCode::invalid_input,
                   it->adding > kMaxAdding
                       ? i18n::format(N_("cannot add more than {} pieces of type '{}': its "
                                         "category holds at most {}"),
                                      kMaxAdding, t.type, it->max_pieces)
                       : i18n::format(N_("cannot add {} pieces of type '{}': its category "
                                         "holds at most {}"),
                                      it->adding, t.type, it->max_pieces),
                   t.type);
  }
  return merged;
}

}  // namespace

std::string_view to_string(DeletionReason r) noexcept {
  switch (r) {
    case DeletionReason::obsolete: return "obsolete";
    case DeletionReason::validity_unknown: return "validity_unknown";
    case DeletionReason::oldest: return "oldest";
  }
  return "";
}

Result<CleanupPlan> plan_cleanup(const Demande& demande, const Catalog& catalog,
                                 const std::vector<CleanupTarget>& targets, Date on) {
  auto merged = merge_targets(catalog, targets);
  if (!merged) return merged.error();
  if (demande.date_radiation)
    return Error(ErrorCode::conflict,
                 i18n::format(N_("demande {} was radiated on {}: it cannot receive pieces"),
                              printable(demande.numero_unique), demande.date_radiation->iso()),
                 "date_radiation");

  CleanupPlan plan;
  plan.numero_unique = demande.numero_unique;
  plan.on = on;
  plan.categories = std::move(*merged);
  for (auto& c : plan.categories) {
    c.before =
        static_cast<int>(std::count_if(demande.pieces.begin(), demande.pieces.end(),
                                       [&](const StoredPiece& p) { return p.type == c.type; }));
    c.deleting = std::max(0, c.before + c.adding - c.max_pieces);
    c.after = c.before - c.deleting + c.adding;
  }
  std::stable_partition(plan.categories.begin(), plan.categories.end(),
                        [](const CategoryPlan& c) { return c.full_before(); });

  for (const auto& c : plan.categories) {
    if (c.deleting == 0) continue;
    const PieceType& type = *catalog.find_type(c.type);
    const auto order = deletion_order(demande, type, on);
    for (std::size_t i = 0; i < static_cast<std::size_t>(c.deleting); ++i) {
      const Candidate& cand = order[i];
      PlannedDeletion d;
      d.piece_id = cand.piece->id;
      d.type = cand.piece->type;
      d.nom_fichier = cand.piece->nom_fichier;
      d.date_ajout = cand.piece->date_ajout;
      d.sensitive = type.sensitive;
      d.reason = cand.reason;
      d.reason_fr = reason_fr(cand);
      plan.deletions.push_back(std::move(d));
    }
  }
  return plan;
}

Result<CleanupTarget> parse_cleanup_target(std::string_view text) {
  CleanupTarget target;
  const auto colon = text.find(':');
  target.type = std::string(text.substr(0, colon));
  if (target.type.empty())
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("'{}': expected TYPE or TYPE:N"), printable(text)), "target");
  if (colon == std::string_view::npos) return target;
  const std::string_view count = text.substr(colon + 1);
  int n = 0;
  auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
  if (count.empty() || ec != std::errc() || end != count.data() + count.size() || n < 1 ||
      n > kMaxAdding)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("'{}': N in TYPE:N must be a number from 1 to {}"),
                              printable(text), kMaxAdding),
                 "target");
  target.adding = n;
  return target;
}

}  // namespace sne
