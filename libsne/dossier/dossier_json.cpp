// The dossier view and the cleanup plan as JSON: snake_case keys, ISO 8601 dates, null for a
// date that is not known.
#include "sne/dossier.hpp"

namespace sne {

namespace {

std::string_view outcome_code(ValidityCheck::Outcome o) {
  switch (o) {
    case ValidityCheck::Outcome::valid: return "valid";
    case ValidityCheck::Outcome::obsolete: return "obsolete";
    case ValidityCheck::Outcome::unknown: return "unknown";
  }
  return "";
}

Json date_or_null(const std::optional<Date>& d) { return d ? Json(d->iso()) : Json(); }

Json piece_json(const DossierPiece& p, bool with_type) {
  Json j = Json::object();
  j.set("id", p.piece.id);
  if (with_type) j.set("type", p.piece.type);
  j.set("nom_fichier", p.piece.nom_fichier)
      .set("taille", p.piece.taille)
      .set("transaction", p.piece.transaction)
      .set("date_ajout", format_timestamp(p.piece.date_ajout))
      .set("date_emission", date_or_null(p.piece.date_emission))
      .set("date_expiration", date_or_null(p.piece.date_expiration))
      .set("annee_revenus", p.piece.annee_revenus ? Json(*p.piece.annee_revenus) : Json());
  Json v = Json::object().set("outcome", outcome_code(p.validity.outcome));
  v.set("reason", p.validity.reason.empty() ? Json() : Json(p.validity.reason));
  j.set("validity", std::move(v));
  return j;
}

Json category_json(const DossierCategory& c) {
  Json pieces = Json::array();
  for (const auto& p : c.pieces) pieces.push(piece_json(p, false));
  return Json::object()
      .set("type", c.type)
      .set("label", c.label)
      .set("perimetre", to_string(c.perimetre))
      .set("required", to_string(c.required))
      .set("sensitive", c.sensitive)
      .set("validity_rule", c.validity_rule)
      .set("count", c.count())
      .set("max_pieces", c.max_pieces)
      .set("pleine", c.full())
      .set("pieces", std::move(pieces));
}

}  // namespace

Json to_json(const DossierView& view) {
  Json rubriques = Json::array();
  for (const auto& r : view.rubriques) {
    Json categories = Json::array();
    for (const auto& c : r.categories) categories.push(category_json(c));
    rubriques.push(Json::object()
                       .set("code", r.code)
                       .set("label", r.label)
                       .set("categories", std::move(categories)));
  }
  Json unknown = Json::array();
  for (const auto& p : view.unknown_type) unknown.push(piece_json(p, true));
  Json missing = Json::array();
  for (const auto& m : view.missing)
    missing.push(Json::object()
                     .set("type", m.type)
                     .set("label", m.label)
                     .set("rubrique", m.rubrique)
                     .set("required", to_string(m.required)));
  return Json::object()
      .set("numero_unique", view.numero_unique)
      .set("territoire", view.territoire)
      .set("demandeur", Json::object()
                            .set("nom", view.demandeur.nom)
                            .set("prenom", view.demandeur.prenom)
                            .set("date_naissance", view.demandeur.date_naissance.iso()))
      .set("date_radiation", date_or_null(view.date_radiation))
      .set("on", view.on.iso())
      .set("catalog_version", view.catalog_version)
      .set("piece_count", view.piece_count())
      .set("rubriques", std::move(rubriques))
      .set("unknown_type", std::move(unknown))
      .set("missing", std::move(missing));
}

Json to_json(const CleanupPlan& plan) {
  Json categories = Json::array();
  for (const auto& c : plan.categories)
    categories.push(Json::object()
                        .set("type", c.type)
                        .set("label", c.label)
                        .set("max_pieces", c.max_pieces)
                        .set("pleine", c.full_before())
                        .set("before", c.before)
                        .set("deleting", c.deleting)
                        .set("adding", c.adding)
                        .set("after", c.after));
  Json deletions = Json::array();
  for (const auto& d : plan.deletions)
    deletions.push(Json::object()
                       .set("piece_id", d.piece_id)
                       .set("type", d.type)
                       .set("nom_fichier", d.nom_fichier)
                       .set("date_ajout", format_timestamp(d.date_ajout))
                       .set("sensitive", d.sensitive)
                       .set("reason", to_string(d.reason))
                       .set("reason_fr", d.reason_fr));
  return Json::object()
      .set("numero_unique", plan.numero_unique)
      .set("on", plan.on.iso())
      .set("categories", std::move(categories))
      .set("deletions", std::move(deletions));
}

}  // namespace sne
