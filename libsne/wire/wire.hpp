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
/// encode(page).dump(), written straight to text: a page of 500 plis is the sandbox's largest
/// answer, and building its JSON tree first was most of the cost of listing.
SNE_INTERNAL_EXPORT std::string encode_text(const PliPage& page);

/// GET /v1/plis/motifs (docs/openapi.yaml, PliMotifs): what the rejected plis a filter selects
/// were rejected for, counted by the service in one request. Internal to the library: the
/// tracking code reaches it through client/pli_motifs.hpp, so that sne::Service keeps its ABI.
struct MotifCount {
  std::string motif;        ///< as the numériseur wrote it; empty when it gave none
  std::int64_t plis = 0;    ///< rejected plis with a piece rejected for it
  std::int64_t pieces = 0;  ///< pieces rejected for it
};
struct RejectionMotifs {
  std::int64_t plis = 0;           ///< rejected plis (rejet_pieces, rejet_dossier) selected
  std::vector<MotifCount> motifs;  ///< most plis first, then by motif
};
SNE_INTERNAL_EXPORT json encode(const RejectionMotifs& m);

// Answers (lenient).
Me decode_me(const Node& n);
AccountRequest decode_account_request(const Node& n);
Session decode_session(const Node& n);
Demande decode_demande(const Node& n);
Upload decode_upload(const Node& n);
PliSummary decode_pli_summary(const Node& n);
Pli decode_pli(const Node& n);
PliPage decode_pli_page(const Node& n);
RejectionMotifs decode_rejection_motifs(const Node& n);

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
