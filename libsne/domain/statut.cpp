#include "sne/statut.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/text.hpp"

namespace sne {

namespace {
const std::vector<StatutInfo> kStatuts{
    {StatutPli::numerisation_en_cours, "numerisation_en_cours", "Numérisation en cours", false,
     false},
    {StatutPli::rejet_pieces, "rejet_pieces", "Rejet d'une ou plusieurs pièces lors du traitement",
     true, true},
    {StatutPli::rejet_dossier, "rejet_dossier", "Rejet du dossier par le SNE", true, true},
    {StatutPli::enregistrement_complet, "enregistrement_complet", "Enregistrement complet", true,
     false},
    {StatutPli::non_applicable, "non_applicable", "Non applicable", true, false},
};
}  // namespace

const std::vector<StatutInfo>& statuts() { return kStatuts; }

const StatutInfo& info(StatutPli s) noexcept { return kStatuts[static_cast<std::size_t>(s)]; }

Result<StatutPli> parse_statut(std::string_view input) {
  std::string t(text::trim(input));
  for (char& c : t)
    if (c == '-') c = '_';
  for (const auto& s : kStatuts)
    if (text::iequals(t, s.code)) return s.value;
  std::string expected;
  for (const auto& s : kStatuts) expected += (expected.empty() ? "" : ", ") + std::string(s.code);
  return Error(
      ErrorCode::invalid_input,
      i18n::format(N_("unknown statut '{}' (expected {})"), printable(input, 30), expected),
      "statut");
}

}  // namespace sne
