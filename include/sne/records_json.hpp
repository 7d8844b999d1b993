/// @file
/// The records of the web service as JSON, in exactly the shapes of the
/// contract (docs/openapi.yaml): what `sne ... --json` prints, and what integrators may store.
#pragma once

#include "sne/account.hpp"
#include "sne/demande.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/pli.hpp"

namespace sne {

/// {code, nom, siret, territoire}
SNE_EXPORT Json to_json(const Guichet& guichet);
/// {email, nom, prenom, telephone, role, guichet, guichets: [guichet...], daily_mail}
SNE_EXPORT Json to_json(const Me& me);
/// {id, statut, nom, prenom, email, telephone, type_organisme, organisme, guichets, motif,
/// created_at, decided_at (null: not decided)}, as GET /v1/account-requests/{id} answers.
SNE_EXPORT Json to_json(const AccountRequest& request);
/// {numero_unique, territoire, demandeur: {nom, prenom, date_naissance}, date_radiation,
/// pieces: [...]}, as GET /v1/demandes/{numero_unique} answers.
SNE_EXPORT Json to_json(const Demande& demande);
/// {transaction, numero_unique, guichet, contexte, statut, date_transmission, date_statut,
/// nb_pieces}: an item of GET /v1/plis.
SNE_EXPORT Json to_json(const PliSummary& pli);
/// The summary's members, then {pieces, historique}, as GET /v1/plis/{transaction} answers.
SNE_EXPORT Json to_json(const Pli& pli);

}  // namespace sne
