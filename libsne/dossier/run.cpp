// Running a cleanup plan through the service, and the pieces a deletion names checked first.
#include <algorithm>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/dossier.hpp"
#include "sne/text.hpp"

namespace sne {

CleanupOutcome run_cleanup(Service& service, const CleanupPlan& plan, bool dry_run,
                           const std::function<void(const PlannedDeletion&)>& on_deleted) {
  CleanupOutcome outcome;
  outcome.dry_run = dry_run;
  if (dry_run) return outcome;
  for (const PlannedDeletion& d : plan.deletions) {
    Status st = service.delete_piece(plan.numero_unique, d.piece_id);
    if (!st) {
      Error e = st.error();
      e.prefixed(fmt::format("piece {}", d.piece_id));
      outcome.error = std::move(e);
      return outcome;
    }
    ++outcome.deleted;
    if (on_deleted) on_deleted(d);
  }
  return outcome;
}

Json to_json(const CleanupPlan& plan, const CleanupOutcome& outcome) {
  Json done = Json::array();
  Json not_done = Json::array();
  for (std::size_t i = 0; i < plan.deletions.size(); ++i)
    (i < outcome.deleted ? done : not_done).push(plan.deletions[i].piece_id);
  return to_json(plan)
      .set("dry_run", outcome.dry_run)
      .set("deleted", std::move(done))
      .set("not_deleted", std::move(not_done));
}

Status check_pieces_exist(const Demande& demande, const std::vector<std::string>& piece_ids) {
  std::vector<std::string> missing;
  for (const auto& id : piece_ids) {
    const bool held = std::any_of(demande.pieces.begin(), demande.pieces.end(),
                                  [&](const StoredPiece& p) { return p.id == id; });
    if (!held && std::find(missing.begin(), missing.end(), id) == missing.end())
      missing.push_back(id);
  }
  if (missing.empty()) return {};
  std::string names;
  for (const auto& id : missing)
    names += fmt::format("{}'{}'", names.empty() ? "" : ", ", printable(id, std::string::npos));
  return Error(ErrorCode::not_found,
               i18n::format_plural("no piece {} in demande {}", "no pieces {} in demande {}",
                                   missing.size(), names, demande.numero_unique),
               missing.front());
}

PieceDeletion delete_pieces(Service& service, const std::string& numero_unique,
                            const std::vector<std::string>& piece_ids,
                            const std::function<void(const std::string& piece_id)>& on_deleted) {
  PieceDeletion done;
  done.numero_unique = numero_unique;
  for (const auto& id : piece_ids) {
    Status st = service.delete_piece(numero_unique, id);
    if (!st) {
      done.error = st.error();
      return done;
    }
    done.deleted.push_back(id);
    if (on_deleted) on_deleted(id);
  }
  return done;
}

Json to_json(const PieceDeletion& deletion) {
  Json deleted = Json::array();
  for (const auto& id : deletion.deleted) deleted.push(id);
  return Json::object()
      .set("numero_unique", deletion.numero_unique)
      .set("deleted", std::move(deleted));
}

}  // namespace sne
