// Internal: what the tracking code asks of the library's own service beyond sne::Service, whose
// vtable is part of libsne's ABI. Reached by dynamic_cast, as glpi::FollowUp is: a Service of
// the caller's own (an editor's, a test double) has none, and its callers fall back on what
// sne::Service offers.
#pragma once

#include "sne/service.hpp"
#include "wire/wire.hpp"

namespace sne::client {

class PliMotifs {
 public:
  virtual ~PliMotifs() = default;
  /// GET /v1/plis/motifs: the motifs of the rejected plis that `filter`'s statut, numéro unique,
  /// contexte, since and until select (its page, cursor and key are not used). not_found from a
  /// service that predates the route.
  virtual Result<wire::RejectionMotifs> rejection_motifs(const PliFilter& filter) = 0;

 protected:
  PliMotifs() = default;
  PliMotifs(const PliMotifs&) = default;
  PliMotifs& operator=(const PliMotifs&) = default;
};

/// `service`'s PliMotifs, or nullptr when it is not the library's own.
PliMotifs* pli_motifs(Service& service);

}  // namespace sne::client
