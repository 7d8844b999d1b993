// sne/records_json.hpp - the records of the web service as JSON, in exactly the shapes of the
// contract (docs/openapi.yaml): what `sne ... --json` prints, and what integrators may store.
#pragma once

#include "sne/account.hpp"
#include "sne/demande.hpp"
#include "sne/export.hpp"
#include "sne/json.hpp"
#include "sne/pli.hpp"

namespace sne {

SNE_EXPORT Json to_json(const Guichet& guichet);
SNE_EXPORT Json to_json(const Me& me);
SNE_EXPORT Json to_json(const AccountRequest& request);
SNE_EXPORT Json to_json(const Demande& demande);
SNE_EXPORT Json to_json(const PliSummary& pli);
SNE_EXPORT Json to_json(const Pli& pli);

}  // namespace sne
