/// @file
/// Why pieces are sent: création, renouvellement, mise à jour, ajout.
#pragma once

#include <string_view>
#include <vector>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// Why pieces are sent to a demande (DOMAIN.md, "Contexte"): it is printed on the fiche de
/// transmission and carried by every pli.
enum class Contexte { creation, renouvellement, mise_a_jour, ajout };
/// @var Contexte::creation
/// Création: the pieces of a new demande ("CRE" on the fiche).
/// @var Contexte::renouvellement
/// Renouvellement: the pieces of the yearly renewal ("REN").
/// @var Contexte::mise_a_jour
/// Mise à jour: pieces that update the demande's situation ("MAJ").
/// @var Contexte::ajout
/// Ajout: pieces added to an existing demande ("AJO").

/// The spellings of one contexte: its fiche code, JSON name, command-line slug and French label.
struct ContexteInfo {
  /// The contexte described.
  Contexte value;
  std::string_view code;   ///< three letters printed on the fiche: "CRE", "REN", "MAJ", "AJO"
  std::string_view name;   ///< stable snake_case name for JSON: "mise_a_jour"
  std::string_view slug;   ///< command-line spelling: "mise-a-jour"
  std::string_view label;  ///< French label as the PWP shows it: "Mise à jour"
};

/// The four contexts, in the order above.
SNE_EXPORT const std::vector<ContexteInfo>& contextes();
/// The spellings of `c`.
SNE_EXPORT const ContexteInfo& info(Contexte c) noexcept;

/// Accepts the code, the name or the slug, case-insensitively ("AJO", "ajout", "mise-a-jour",
/// "mise_a_jour"); invalid_input with subject "contexte" otherwise.
SNE_EXPORT Result<Contexte> parse_contexte(std::string_view text);

}  // namespace sne
