/// @file
/// A demande de logement social and the pieces it holds, as the web service
/// shows them to the guichets of its territory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sne/contexte.hpp"
#include "sne/date.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// The applicant of a demande, as the service shows it to the guichets.
struct Demandeur {
  /// Family name.
  std::string nom;
  /// Given name.
  std::string prenom;
  /// Date of birth.
  Date date_naissance;
};

/// A piece stored in the demande (dossier unique: shared by every guichet).
struct StoredPiece {
  std::string id;            ///< identifier within the service, for deletion
  std::string type;          ///< catalog type code
  std::string nom_fichier;   ///< file name as sent
  std::uint64_t taille = 0;  ///< bytes
  /// When the piece was added to the demande.
  Timestamp date_ajout;
  std::string transaction;  ///< the pli that brought it
  // What the numériseur read on the document (or the guichet declared when sending it): the
  // dates the catalog's validity rules need. Each is optional.
  std::optional<Date> date_emission;    ///< date of issue
  std::optional<Date> date_expiration;  ///< end of validity printed on it
  std::optional<int> annee_revenus;     ///< avis d'imposition: the year of the income
  /// SHA-256 of the content (hex), when the service knows it: the same bytes sent again are
  /// recognised. Empty for pieces filed before the service recorded it.
  std::string sha256;
};

/// A demande de logement social and its pieces (GET /v1/demandes/{numero_unique}).
struct Demande {
  /// Its numéro unique, 18 characters (sne/numero.hpp).
  std::string numero_unique;
  std::string territoire;  ///< code territoire
  /// The applicant.
  Demandeur demandeur;
  /// Set when the demande was radiated (not renewed 13 months after its dépôt): it receives
  /// no more pieces, and plis sent to it are rejected.
  std::optional<Date> date_radiation;
  std::vector<StoredPiece> pieces;  ///< oldest first
};

/// One piece of a new pli: the content was sent before with Service::upload().
struct PliPieceInput {
  std::string type;         ///< catalog type code
  std::string nom_fichier;  ///< as the numériseur will see it
  std::string upload_id;    ///< from Service::upload()
  // The document's dates, when the guichet knows them (see StoredPiece).
  /// Date of issue of the document, when known.
  std::optional<Date> date_emission;
  /// End of validity printed on the document, when known.
  std::optional<Date> date_expiration;
  /// For an avis d'imposition: the year of the income, when known.
  std::optional<int> annee_revenus;
};

/// A new pli (POST /v1/demandes/{numero_unique}/plis): its contexte and the pieces it carries,
/// uploaded before.
struct PliInput {
  /// Why the pieces are sent; ajout (pieces added to an existing demande) by default.
  Contexte contexte = Contexte::ajout;
  /// The pieces, in the order the numériseur receives them (a recto before its verso).
  std::vector<PliPieceInput> pieces;
};

/// A stored upload, not yet part of a pli.
struct Upload {
  /// Identifier to name the upload in a PliPieceInput.
  std::string upload_id;
  /// Bytes received.
  std::uint64_t taille = 0;
  std::string sha256;  ///< hex
};

}  // namespace sne
