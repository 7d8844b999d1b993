// The public JSON of the records is the contract's: made by the wire encoders, converted.
#include "sne/records_json.hpp"

#include "sne/contexte.hpp"
#include "sne/statut.hpp"
#include "wire/wire.hpp"

namespace sne {

namespace {

Json convert(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Json();
    case nlohmann::json::value_t::boolean: return Json(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return Json(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return Json(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return Json(j.get<double>());
    case nlohmann::json::value_t::string: return Json(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      Json out = Json::array();
      for (const auto& item : j) out.push(convert(item));
      return out;
    }
    case nlohmann::json::value_t::object: {
      Json out = Json::object();
      for (const auto& [key, value] : j.items()) out.set(key, convert(value));
      return out;
    }
    default: return Json();
  }
}

}  // namespace

Json to_json(const Guichet& guichet) { return convert(wire::encode(guichet)); }
Json to_json(const Me& me) { return convert(wire::encode(me)); }
Json to_json(const AccountRequest& request) { return convert(wire::encode(request)); }
Json to_json(const Demande& demande) { return convert(wire::encode(demande)); }
Json to_json(const PliSummary& pli) {
  // Made directly, members in the order of the contract's (sorted) object: the tableau de bord
  // makes one per pli, and the tree converted from wire::encode cost a third of listing
  // 100,000 of them. tests/unit/records_json_test.cpp holds both to the same text.
  return Json::object()
      .set("contexte", info(pli.contexte).code)
      .set("date_statut", format_timestamp(pli.date_statut))
      .set("date_transmission", format_timestamp(pli.date_transmission))
      .set("guichet", pli.guichet)
      .set("nb_pieces", pli.nb_pieces)
      .set("numero_unique", pli.numero_unique)
      .set("statut", info(pli.statut).code)
      .set("transaction", pli.transaction);
}
Json to_json(const Pli& pli) { return convert(wire::encode(pli)); }

}  // namespace sne
