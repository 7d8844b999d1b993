// The dossier view: a demande's pieces grouped by rubrique and type of the catalog.
#include <algorithm>
#include <map>

#include "dossier/order.hpp"
#include "sne/dossier.hpp"

namespace sne {

PieceDates dates_of(const StoredPiece& piece) {
  PieceDates dates;
  dates.issued = piece.date_emission;
  dates.expires = piece.date_expiration;
  dates.tax_year = piece.annee_revenus;
  return dates;
}

std::size_t DossierView::piece_count() const noexcept {
  std::size_t n = unknown_type.size();
  for (const auto& r : rubriques)
    for (const auto& c : r.categories) n += c.pieces.size();
  return n;
}

namespace {

DossierPiece checked(const StoredPiece& piece, const PieceType* type, Date on) {
  DossierPiece p;
  p.piece = piece;
  if (type != nullptr) {
    p.validity = check_validity(type->validity, dates_of(piece), on);
  } else {
    p.validity.outcome = ValidityCheck::Outcome::unknown;
    p.validity.reason = "type absent du catalogue";
  }
  return p;
}

DossierCategory category_of(const PieceType& type, const std::vector<const StoredPiece*>& pieces,
                            Date on) {
  DossierCategory c;
  c.type = type.code;
  c.label = type.label;
  c.perimetre = type.perimetre;
  c.required = type.required;
  c.sensitive = type.sensitive;
  c.max_pieces = type.max_pieces;
  c.validity_rule = type.validity.describe_fr();
  for (const StoredPiece* p : pieces) c.pieces.push_back(checked(*p, &type, on));
  return c;
}

}  // namespace

DossierView build_dossier_view(const Demande& demande, const Catalog& catalog, Date on) {
  DossierView view;
  view.numero_unique = demande.numero_unique;
  view.territoire = demande.territoire;
  view.demandeur = demande.demandeur;
  view.date_radiation = demande.date_radiation;
  view.on = on;
  view.catalog_version = catalog.version();

  std::map<std::string, std::vector<const StoredPiece*>, std::less<>> by_type;
  for (const auto& p : demande.pieces) by_type[p.type].push_back(&p);
  for (auto& [type, pieces] : by_type) dossier::sort_oldest_first(pieces);

  for (const auto& r : catalog.rubriques()) {
    DossierRubrique rubrique;
    rubrique.code = r.code;
    rubrique.label = r.label;
    for (const auto& t : r.types) {
      auto it = by_type.find(t.code);
      if (it != by_type.end()) {
        rubrique.categories.push_back(category_of(t, it->second, on));
      } else if (t.required != Requirement::complementaire) {
        MissingType m;
        m.type = t.code;
        m.label = t.label;
        m.rubrique = r.code;
        m.required = t.required;
        view.missing.push_back(std::move(m));
      }
    }
    if (!rubrique.categories.empty()) view.rubriques.push_back(std::move(rubrique));
  }

  std::vector<const StoredPiece*> unknown;
  for (const auto& p : demande.pieces)
    if (catalog.find_type(p.type) == nullptr) unknown.push_back(&p);
  dossier::sort_oldest_first(unknown);
  for (const StoredPiece* p : unknown) view.unknown_type.push_back(checked(*p, nullptr, on));
  return view;
}

}  // namespace sne
