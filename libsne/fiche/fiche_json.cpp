// Fiches and fiche batches as JSON: snake_case keys, ISO 8601 dates, null for a date that is
// not known.
#include "sne/fiche.hpp"

namespace sne {

Json to_json(const Fiche& f) {
  const ContexteInfo& c = info(f.contexte);
  return Json::object()
      .set("numero_unique", f.numero_unique)
      .set("contexte", c.name)
      .set("contexte_code", c.code)
      .set("guichet", f.guichet)
      .set("siret", f.siret)
      .set("territoire", f.territoire)
      .set("date_generation", f.date_generation.iso())
      .set("date_depot", f.date_depot ? Json(f.date_depot->iso()) : Json());
}

Json to_json(const FicheRowOutcome& row) {
  Json j = Json::object().set("line", row.line).set("input", row.input);
  if (row.error) j.set("error", row.error->message()).set("field", row.error->subject());
  return j;
}

Json to_json(const FicheBatchSummary& summary) {
  return Json::object()
      .set("output", summary.output)
      .set("merged", summary.merged)
      .set("written", summary.written)
      .set("failed", summary.failed)
      .set("interrupted", summary.interrupted);
}

}  // namespace sne
