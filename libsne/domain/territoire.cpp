#include "sne/territoire.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/text.hpp"

namespace sne {

namespace {

using K = TerritoireKind;
using Z = CalendarZone;

// Ordered by code (checked by a unit test): find_territoire relies on it.
const std::vector<Territoire> kTerritoires{
    {"001", "Ain", K::departement, Z::metropole},
    {"002", "Aisne", K::departement, Z::metropole},
    {"003", "Allier", K::departement, Z::metropole},
    {"004", "Alpes-de-Haute-Provence", K::departement, Z::metropole},
    {"005", "Hautes-Alpes", K::departement, Z::metropole},
    {"006", "Alpes-Maritimes", K::departement, Z::metropole},
    {"007", "Ardèche", K::departement, Z::metropole},
    {"008", "Ardennes", K::departement, Z::metropole},
    {"009", "Ariège", K::departement, Z::metropole},
    {"010", "Aube", K::departement, Z::metropole},
    {"011", "Aude", K::departement, Z::metropole},
    {"012", "Aveyron", K::departement, Z::metropole},
    {"013", "Bouches-du-Rhône", K::departement, Z::metropole},
    {"014", "Calvados", K::departement, Z::metropole},
    {"015", "Cantal", K::departement, Z::metropole},
    {"016", "Charente", K::departement, Z::metropole},
    {"017", "Charente-Maritime", K::departement, Z::metropole},
    {"018", "Cher", K::departement, Z::metropole},
    {"019", "Corrèze", K::departement, Z::metropole},
    {"021", "Côte-d'Or", K::departement, Z::metropole},
    {"022", "Côtes-d'Armor", K::departement, Z::metropole},
    {"023", "Creuse", K::departement, Z::metropole},
    {"024", "Dordogne", K::departement, Z::metropole},
    {"025", "Doubs", K::departement, Z::metropole},
    {"026", "Drôme", K::departement, Z::metropole},
    {"027", "Eure", K::departement, Z::metropole},
    {"028", "Eure-et-Loir", K::departement, Z::metropole},
    {"029", "Finistère", K::departement, Z::metropole},
    {"02A", "Corse-du-Sud", K::departement, Z::metropole},
    {"02B", "Haute-Corse", K::departement, Z::metropole},
    {"030", "Gard", K::departement, Z::metropole},
    {"031", "Haute-Garonne", K::departement, Z::metropole},
    {"032", "Gers", K::departement, Z::metropole},
    {"033", "Gironde", K::departement, Z::metropole},
    {"034", "Hérault", K::departement, Z::metropole},
    {"035", "Ille-et-Vilaine", K::departement, Z::metropole},
    {"036", "Indre", K::departement, Z::metropole},
    {"037", "Indre-et-Loire", K::departement, Z::metropole},
    {"038", "Isère", K::departement, Z::metropole},
    {"039", "Jura", K::departement, Z::metropole},
    {"040", "Landes", K::departement, Z::metropole},
    {"041", "Loir-et-Cher", K::departement, Z::metropole},
    {"042", "Loire", K::departement, Z::metropole},
    {"043", "Haute-Loire", K::departement, Z::metropole},
    {"044", "Loire-Atlantique", K::departement, Z::metropole},
    {"045", "Loiret", K::departement, Z::metropole},
    {"046", "Lot", K::departement, Z::metropole},
    {"047", "Lot-et-Garonne", K::departement, Z::metropole},
    {"048", "Lozère", K::departement, Z::metropole},
    {"049", "Maine-et-Loire", K::departement, Z::metropole},
    {"050", "Manche", K::departement, Z::metropole},
    {"051", "Marne", K::departement, Z::metropole},
    {"052", "Haute-Marne", K::departement, Z::metropole},
    {"053", "Mayenne", K::departement, Z::metropole},
    {"054", "Meurthe-et-Moselle", K::departement, Z::metropole},
    {"055", "Meuse", K::departement, Z::metropole},
    {"056", "Morbihan", K::departement, Z::metropole},
    {"057", "Moselle", K::departement, Z::alsace_moselle},
    {"058", "Nièvre", K::departement, Z::metropole},
    {"059", "Nord", K::departement, Z::metropole},
    {"060", "Oise", K::departement, Z::metropole},
    {"061", "Orne", K::departement, Z::metropole},
    {"062", "Pas-de-Calais", K::departement, Z::metropole},
    {"063", "Puy-de-Dôme", K::departement, Z::metropole},
    {"064", "Pyrénées-Atlantiques", K::departement, Z::metropole},
    {"065", "Hautes-Pyrénées", K::departement, Z::metropole},
    {"066", "Pyrénées-Orientales", K::departement, Z::metropole},
    {"067", "Bas-Rhin", K::departement, Z::alsace_moselle},
    {"068", "Haut-Rhin", K::departement, Z::alsace_moselle},
    {"069", "Rhône", K::departement, Z::metropole},
    {"070", "Haute-Saône", K::departement, Z::metropole},
    {"071", "Saône-et-Loire", K::departement, Z::metropole},
    {"072", "Sarthe", K::departement, Z::metropole},
    {"073", "Savoie", K::departement, Z::metropole},
    {"074", "Haute-Savoie", K::departement, Z::metropole},
    {"075", "Paris", K::departement, Z::metropole},
    {"076", "Seine-Maritime", K::departement, Z::metropole},
    {"077", "Seine-et-Marne", K::departement, Z::metropole},
    {"078", "Yvelines", K::departement, Z::metropole},
    {"079", "Deux-Sèvres", K::departement, Z::metropole},
    {"080", "Somme", K::departement, Z::metropole},
    {"081", "Tarn", K::departement, Z::metropole},
    {"082", "Tarn-et-Garonne", K::departement, Z::metropole},
    {"083", "Var", K::departement, Z::metropole},
    {"084", "Vaucluse", K::departement, Z::metropole},
    {"085", "Vendée", K::departement, Z::metropole},
    {"086", "Vienne", K::departement, Z::metropole},
    {"087", "Haute-Vienne", K::departement, Z::metropole},
    {"088", "Vosges", K::departement, Z::metropole},
    {"089", "Yonne", K::departement, Z::metropole},
    {"090", "Territoire de Belfort", K::departement, Z::metropole},
    {"091", "Essonne", K::departement, Z::metropole},
    {"092", "Hauts-de-Seine", K::departement, Z::metropole},
    {"093", "Seine-Saint-Denis", K::departement, Z::metropole},
    {"094", "Val-de-Marne", K::departement, Z::metropole},
    {"095", "Val-d'Oise", K::departement, Z::metropole},
    {"111", "Île-de-France (registre régional)", K::region, Z::metropole},
    {"971", "Guadeloupe", K::outre_mer, Z::guadeloupe},
    {"972", "Martinique", K::outre_mer, Z::martinique},
    {"973", "Guyane", K::outre_mer, Z::guyane},
    {"974", "La Réunion", K::outre_mer, Z::reunion},
    {"976", "Mayotte", K::outre_mer, Z::mayotte},
    {"999", "Territoire de test", K::test, Z::metropole},
};

}  // namespace

const std::vector<Territoire>& territoires() { return kTerritoires; }

const Territoire* find_territoire(std::string_view code) noexcept {
  auto it = std::lower_bound(kTerritoires.begin(), kTerritoires.end(), code,
                             [](const Territoire& t, std::string_view c) { return t.code < c; });
  return it != kTerritoires.end() && it->code == code ? &*it : nullptr;
}

Result<const Territoire*> parse_departement(std::string_view text) {
  std::string code;
  for (char c : text) code += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (code.size() == 1 || code.size() == 2) code.insert(0, 3 - code.size(), '0');
  if (const Territoire* t = code.size() == 3 ? find_territoire(code) : nullptr) return t;
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("unknown département '{}' (expected 01-95, 2A, 2B, 971-976 or 111)"),
                            printable(text, 20)),
               "departement");
}

std::string_view to_string(CalendarZone zone) noexcept {
  static constexpr std::array<std::string_view, 7> kNames{
      "metropole", "alsace_moselle", "guadeloupe", "martinique", "guyane", "reunion", "mayotte"};
  return kNames[static_cast<std::size_t>(zone)];
}

std::string_view to_string(TerritoireKind kind) noexcept {
  static constexpr std::array<std::string_view, 4> kNames{"departement", "outre_mer", "region",
                                                          "test"};
  return kNames[static_cast<std::size_t>(kind)];
}

}  // namespace sne
