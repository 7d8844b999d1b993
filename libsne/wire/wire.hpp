// Internal: the JSON of the web-service contract (docs/openapi.yaml), in one place for both
// sides: the sandbox encodes its answers and decodes request bodies with these functions, and
// the client encodes request bodies and decodes answers with them. Request decoders are
// strict (an unknown member is an error: the server refuses what it does not understand);
// answer decoders ignore unknown members, so that a newer server does not break older clients.
// Decoders throw json_reader::ShapeError; run them inside json_reader::read().
#pragma once

#include <nlohmann/json.hpp>

#include "base/internal_export.hpp"
#include "base/json_reader.hpp"
#include "sne/account.hpp"
#include "sne/demande.hpp"
#include "sne/pli.hpp"

namespace sne::wire {

using json_reader::Node;
using nlohmann::json;

json encode(const Guichet& g);
SNE_INTERNAL_EXPORT json encode(const Me& me);
SNE_INTERNAL_EXPORT json encode(const AccountRequest& r);
json encode(const AccountRequestInput& input);
json encode(const ProfileChange& change);
SNE_INTERNAL_EXPORT json encode(const Session& s);
SNE_INTERNAL_EXPORT json encode(const Demande& d);
SNE_INTERNAL_EXPORT json encode(const Upload& u);
json encode(const PliInput& input);
json encode(const PliSummary& p);
SNE_INTERNAL_EXPORT json encode(const Pli& p);
SNE_INTERNAL_EXPORT json encode(const PliPage& page);

// Answers (lenient).
Me decode_me(const Node& n);
AccountRequest decode_account_request(const Node& n);
Session decode_session(const Node& n);
Demande decode_demande(const Node& n);
Upload decode_upload(const Node& n);
PliSummary decode_pli_summary(const Node& n);
Pli decode_pli(const Node& n);
PliPage decode_pli_page(const Node& n);

// Request bodies (strict).
SNE_INTERNAL_EXPORT AccountRequestInput decode_account_request_input(const Node& n);
SNE_INTERNAL_EXPORT ProfileChange decode_profile_change(const Node& n);
SNE_INTERNAL_EXPORT PliInput decode_pli_input(const Node& n);

/// Field limits of the contract, shared by both sides.
inline constexpr std::size_t kMaxNameLength = 100;
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxTelephoneLength = 20;
inline constexpr std::size_t kMaxGuichetsPerRequest = 10;
inline constexpr std::size_t kMaxPiecesPerPli = 20;

}  // namespace sne::wire
