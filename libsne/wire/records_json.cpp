// The public JSON of the records is the contract's: made by the wire encoders, converted.
#include "sne/records_json.hpp"

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
Json to_json(const PliSummary& pli) { return convert(wire::encode(pli)); }
Json to_json(const Pli& pli) { return convert(wire::encode(pli)); }

}  // namespace sne
