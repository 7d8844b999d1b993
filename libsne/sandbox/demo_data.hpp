// Internal: what the demo seed (seed.cpp) and the volume seed (seed_plis.cpp) draw from: the
// demandeurs' names, the piece types sent, the numériseur's reasons, the transaction ids.
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>

namespace sne::sandbox::demo {

inline constexpr std::int64_t kDay = 86400;

inline constexpr std::array kNoms{"Martin",   "Bernard", "Thomas", "Petit",   "Robert",   "Richard",
                                  "Durand",   "Dubois",  "Moreau", "Laurent", "Simon",    "Michel",
                                  "Lefebvre", "Leroy",   "Roux",   "David",   "Bertrand", "Morel",
                                  "Fournier", "Girard",  "Payet",  "Hoarau",  "Nguyen",   "Diallo"};
inline constexpr std::array kPrenoms{
    "Camille", "Léa",   "Manon", "Inès", "Chloé",   "Sarah", "Lucas", "Hugo", "Louis", "Gabriel",
    "Nathan",  "Yanis", "Aïcha", "Jade", "Mohamed", "Emma",  "Noé",   "Zoé",  "Rayan", "Élise"};

/// Types sent in the demo plis; identity and resources first, as real demandes do.
inline constexpr std::array kTypes{"piece_identite",         "avis_imposition", "bulletins_salaire",
                                   "quittance_loyer",        "livret_famille",  "attestation_caf",
                                   "carte_etudiant",         "recu_hotel",      "jugement_divorce",
                                   "attestation_hebergement"};

/// Why the numériseur rejected a piece, as the PWP words it.
inline constexpr std::array kRejectReasons{
    "Pièce illisible (inexploitable)", "Pièce hors périmètre réglementaire",
    "Pièce obsolète (hors période de validité)", "Pièce mal typée"};

/// A transaction id as the PWP's: 12 or 13 lower-case letters and digits.
std::string transaction_id(std::mt19937& rng);

/// One element of `a`, uniformly.
template <class Array>
auto pick(std::mt19937& rng, const Array& a) {
  return a[std::uniform_int_distribution<std::size_t>(0, a.size() - 1)(rng)];
}

}  // namespace sne::sandbox::demo
