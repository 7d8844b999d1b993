// sne siret check SIRET...
#include <fmt/format.h>

#include <sne/siret.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

CheckOutcome check_siret(const std::string& input) {
  auto s = Siret::parse(input);
  if (!s) return {s.error(), {}};
  Json fields = Json::object();
  fields.set("siret", s->str()).set("siren", s->siren()).set("nic", s->nic());
  return {std::move(fields), fmt::format("SIREN {} · NIC {}", s->siren(), s->nic())};
}

}  // namespace

void setup_siret(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "siret", _("SIRET numbers of guichets"));

  add_check_verb(*noun, ctx, _("Validate SIRET numbers (Luhn, La Poste exception)"), "SIRET",
                 check_siret);
}

}  // namespace sne::cli
