// sne/demande.hpp - a demande de logement social and the pieces it holds, as the web service
// shows them to the guichets of its territory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sne/timestamp.hpp"

namespace sne {

struct Demandeur {
  std::string nom;
  std::string prenom;
  std::string date_naissance;  ///< ISO date "1985-03-14"
};

/// A piece stored in the demande (dossier unique: shared by every guichet).
struct StoredPiece {
  std::string id;            ///< identifier within the service, for deletion
  std::string type;          ///< catalog type code
  std::string nom_fichier;   ///< file name as sent
  std::uint64_t taille = 0;  ///< bytes
  Timestamp date_ajout;
  std::string transaction;  ///< the pli that brought it
};

struct Demande {
  std::string numero_unique;
  std::string territoire;  ///< code territoire
  Demandeur demandeur;
  std::vector<StoredPiece> pieces;
};

/// One piece of a new pli: the content was sent before with Service::upload().
struct PliPieceInput {
  std::string type;         ///< catalog type code
  std::string nom_fichier;  ///< as the numériseur will see it
  std::string upload_id;    ///< from Service::upload()
};

struct PliInput {
  std::string contexte = "AJO";  ///< CRE, REN, MAJ or AJO
  std::vector<PliPieceInput> pieces;
};

/// A stored upload, not yet part of a pli.
struct Upload {
  std::string upload_id;
  std::uint64_t taille = 0;
  std::string sha256;  ///< hex
};

}  // namespace sne
