#include "sne/contexte.hpp"

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "base/text.hpp"

namespace sne {

namespace {
const std::vector<ContexteInfo> kContextes{
    {Contexte::creation, "CRE", "creation", "creation", "Création"},
    {Contexte::renouvellement, "REN", "renouvellement", "renouvellement", "Renouvellement"},
    {Contexte::mise_a_jour, "MAJ", "mise_a_jour", "mise-a-jour", "Mise à jour"},
    {Contexte::ajout, "AJO", "ajout", "ajout", "Ajout"},
};
}  // namespace

const std::vector<ContexteInfo>& contextes() { return kContextes; }

const ContexteInfo& info(Contexte c) noexcept { return kContextes[static_cast<std::size_t>(c)]; }

Result<Contexte> parse_contexte(std::string_view input) {
  const std::string_view t = text::trim(input);
  for (const auto& c : kContextes)
    if (text::iequals(t, c.code) || text::iequals(t, c.name) || text::iequals(t, c.slug))
      return c.value;
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("unknown contexte '{}' (expected ajout, creation, renouvellement "
                               "or mise-a-jour)"),
                            printable(t, 30)),
               "contexte");
}

}  // namespace sne
