// The fiche's fields: validation, and the QR payload both ways.
#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/fiche.hpp"
#include "sne/numero.hpp"
#include "sne/siret.hpp"
#include "sne/territoire.hpp"
#include "sne/text.hpp"

namespace sne {

namespace {

constexpr std::size_t kMaxPayload = 256;
constexpr std::size_t kPayloadFields = 8;

Error field_error(const Error& e, const char* field) {
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("{}: {}"), field, i18n::Nested{e.message()}), field);
}

Result<Date> parse_date_field(const std::string& text, const char* field) {
  auto d = Date::parse(text);
  if (!d)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("{}: '{}' is not a date YYYY-MM-DD"), field, printable(text)),
                 field);
  return d;
}

}  // namespace

Result<Fiche> make_fiche(const FicheInput& in) {
  Fiche f;
  auto numero = NumeroUnique::parse(in.numero_unique);
  if (!numero) return field_error(numero.error(), "numero");
  f.numero_unique = numero->str();

  auto contexte = parse_contexte(in.contexte);
  if (!contexte) return field_error(contexte.error(), "contexte");
  f.contexte = *contexte;

  if (!is_code_guichet(in.guichet))
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("guichet: '{}' is not a code guichet (5 upper-case letters or "
                                 "digits)"),
                              printable(in.guichet)),
                 "guichet");
  f.guichet = in.guichet;

  auto siret = Siret::parse(in.siret);
  if (!siret) return field_error(siret.error(), "siret");
  f.siret = siret->str();

  const Territoire* territory = find_territoire(in.territoire);
  if (territory == nullptr)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("territoire: unknown territory '{}'"), printable(in.territoire)),
                 "territoire");
  f.territoire = std::string(territory->code);

  auto generation = parse_date_field(in.date_generation, "date_generation");
  if (!generation) return generation.error();
  f.date_generation = *generation;

  if (!in.date_depot.empty()) {
    auto depot = parse_date_field(in.date_depot, "date_depot");
    if (!depot) return depot.error();
    if (*depot < f.date_generation)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("date_depot: {} is before the date de génération {}"),
                                depot->iso(), f.date_generation.iso()),
                   "date_depot");
    f.date_depot = *depot;
  }
  return f;
}

std::string fiche_payload(const Fiche& f) {
  return fmt::format("{}/{}/{}/{}/{}/{}/{}/{}", kFichePayloadTag, f.numero_unique,
                     info(f.contexte).code, f.guichet, f.siret, f.territoire,
                     f.date_generation.iso(), f.date_depot ? f.date_depot->iso() : std::string());
}

Result<Fiche> parse_fiche_payload(std::string_view payload) {
  auto bad = [](std::string message) {
    return Error(ErrorCode::invalid_input, std::move(message), "payload");
  };
  if (payload.size() > kMaxPayload)
    return bad(
        i18n::format(N_("{} bytes, more than a fiche payload's {}"), payload.size(), kMaxPayload));
  std::vector<std::string> fields(1);
  for (char c : payload) {
    if (c == '/')
      fields.emplace_back();
    else
      fields.back() += c;
  }
  if (fields[0] != kFichePayloadTag)
    return bad(i18n::format(N_("unknown version tag '{}' (expected {})"), printable(fields[0], 20),
                            kFichePayloadTag));
  if (fields.size() != kPayloadFields)
    return bad(i18n::format(N_("{} fields, expected {}"), fields.size(), kPayloadFields));
  FicheInput in{fields[1], fields[2], fields[3], fields[4], fields[5], fields[6], fields[7]};
  auto fiche = make_fiche(in);
  if (!fiche) return fiche.error();
  // Only the canonical spelling is a payload: what fiche_payload writes, byte for byte.
  if (fiche_payload(*fiche) != payload)
    return bad(i18n::format(
        N_("not in canonical form (upper-case numéro, contexte code, plain SIRET digits)")));
  return fiche;
}

}  // namespace sne
