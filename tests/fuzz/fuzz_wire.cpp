// Fuzz target: the JSON of the contract, from both sides. The client reads answers from a
// server it does not control, the sandbox reads bodies from clients it does not control: no
// input may crash either, every refusal is an invalid_input naming a path, and every request
// body accepted survives a round trip through the encoder unchanged. A page of plis that the
// fast reader (wire/pli_page_reader.hpp) reads, whatever the selector, is one the strict way
// reads too, into the same page.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"

#include "base/json_reader.hpp"
#include "wire/pli_page_reader.hpp"
#include "wire/wire.hpp"

using sne::fuzz::require;
using namespace sne;

namespace {

template <class Decode>
void answer(const nlohmann::json& doc, Decode decode) {
  auto r = json_reader::read([&] { return decode(json_reader::Node(doc, "")); });
  if (!r.ok()) require(r.error().code() == ErrorCode::invalid_input);
}

template <class Decode>
void request(const nlohmann::json& doc, Decode decode) {
  auto r = json_reader::read([&] { return decode(json_reader::Node(doc, "")); });
  if (!r.ok()) {
    require(r.error().code() == ErrorCode::invalid_input);
    return;
  }
  const nlohmann::json encoded = wire::encode(*r);
  auto again = json_reader::read([&] { return decode(json_reader::Node(encoded, "")); });
  require(again.ok());
  require(wire::encode(*again) == encoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto fast = wire::read_pli_page(text);
  nlohmann::json doc;
  if (!json_reader::parse(text, doc).ok()) {
    require(!fast);
    return 0;
  }
  if (fast) {
    auto strict =
        json_reader::read([&] { return wire::decode_pli_page(json_reader::Node(doc, "")); });
    require(strict.ok() && wire::encode_text(*strict) == wire::encode_text(*fast));
  }
  switch (data[0] % 11) {
    case 0: answer(doc, wire::decode_me); break;
    case 1: answer(doc, wire::decode_account_request); break;
    case 2: answer(doc, wire::decode_session); break;
    case 3: answer(doc, wire::decode_demande); break;
    case 4: answer(doc, wire::decode_upload); break;
    case 5: answer(doc, wire::decode_pli_summary); break;
    case 6: answer(doc, wire::decode_pli); break;
    case 7: answer(doc, wire::decode_pli_page); break;
    case 8: request(doc, wire::decode_account_request_input); break;
    case 9: request(doc, wire::decode_profile_change); break;
    default: request(doc, wire::decode_pli_input); break;
  }
  return 0;
}
