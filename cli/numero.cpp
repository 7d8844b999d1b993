// sne numero check NU...
#include <fmt/format.h>

#include <sne/date.hpp>
#include <sne/numero.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

CheckOutcome check_numero(const std::string& input) {
  auto n = NumeroUnique::parse(input);
  if (!n) return {n.error(), {}};
  Json fields = Json::object();
  fields.set("numero_unique", n->str())
      .set("territoire", n->territoire().code)
      .set("territoire_nom", n->territoire().name)
      .set("mois", n->mois())
      .set("annee", n->annee())
      .set("sequence", n->sequence())
      .set("guichet", n->guichet());
  return {std::move(fields),
          fmt::format("{} {} · {} {} · séquence {} · guichet {}", n->territoire().code,
                      n->territoire().name, month_name_fr(n->mois()), n->annee(), n->sequence(),
                      n->guichet())};
}

}  // namespace

void setup_numero(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "numero", _("Numéros uniques of demandes de logement social"));

  add_check_verb(*noun, ctx, _("Validate numéros uniques and show their parts"), "NUMERO",
                 check_numero);
}

}  // namespace sne::cli
