/// @file
/// The status of a pli (one sending to the numériseur), as the PWP shows it.
#pragma once

#include <string_view>
#include <vector>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// The statut du dossier of a pli, as the PWP's tableau de bord shows it (DOMAIN.md, "Plis
/// and their statuses"). Values are never renumbered.
enum class StatutPli {
  numerisation_en_cours,   ///< at the numériseur
  rejet_pieces,            ///< some pieces rejected during processing
  rejet_dossier,           ///< the whole sending rejected by the SNE
  enregistrement_complet,  ///< correctly added to the SNE
  /// Non applicable: the PWP's status for a sending that none of the others describes.
  non_applicable,
};

/// The spellings and properties of one status.
struct StatutInfo {
  /// The status described.
  StatutPli value;
  std::string_view code;   ///< stable snake_case code: "numerisation_en_cours"
  std::string_view label;  ///< French label as the PWP shows it
  bool final;              ///< no further change is expected
  bool rejected;           ///< some or all of the sending was refused
};

/// The five statuses, in the order above.
SNE_EXPORT const std::vector<StatutInfo>& statuts();
/// The spellings and properties of `s`.
SNE_EXPORT const StatutInfo& info(StatutPli s) noexcept;

/// Accepts the code, case-insensitively, with '-' or '_'; invalid_input with subject "statut".
SNE_EXPORT Result<StatutPli> parse_statut(std::string_view text);

}  // namespace sne
