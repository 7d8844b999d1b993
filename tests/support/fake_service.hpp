// The tests' one sne::Service: an in-memory service whose state is plain members that a test
// seeds and reads back, with knobs for failures, for unit tests of code written against the
// public interface (list_plis, watch_plis, send_pieces, the bulk runner...).
//
// It answers the plis, pli, demande, upload, upload_file, send_pli and delete_piece calls as
// the contract of docs/openapi.yaml does; the accounts calls (login, me, requests...) answer
// internal errors "not faked": use the embedded sandbox (tests/unit/sandbox_fixture.hpp) when a
// test needs them. It checks no catalog rule (a full category, a radiated demande are the caller's
// to judge).
//
// Not thread-safe. Every call is recorded in `calls`, every filter in `filters`.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/service.hpp"

namespace sne::testing {

class FakeService : public Service {
 public:
  // --- State: seeded by the test, changed by the calls. ---
  /// Every pli, newest first (the order in which GET /v1/plis lists them).
  std::vector<Pli> all_plis;
  /// Demandes by numéro unique; send_pli files its pieces into them.
  std::map<std::string, Demande> demandes;
  /// Stored uploads by id.
  std::map<std::string, Upload> uploads;
  /// The pli each Idempotency-Key of send_pli made, by key.
  std::map<std::string, std::string> sent_by_key;
  /// server_time(): the service's clock.
  Timestamp now{};
  /// The guichet of the signed-in agent (me(), of no other guichet): the guichet of plis that
  /// send_pli makes.
  std::string guichet = "G3401";

  // --- Knobs. ---
  /// The largest page plis() answers, whatever the filter's limit (the contract's is 500).
  std::size_t page_max = 500;
  /// Errors answered instead of the next calls of a method, in order, by method name: "plis",
  /// "pli", "demande", "upload", "upload_file", "send_pli", "delete_piece", "me". An answered error
  /// changes nothing.
  std::map<std::string, std::deque<Error>> failures;
  /// Called at the start of every call with the method's name (after `calls` records it): a
  /// test changes the state between calls this way (a pli's status between rounds of a watch).
  std::function<void(std::string_view method)> before;
  /// When set, every upload reports this SHA-256 instead of its content's (a file changed while
  /// it was being sent).
  std::optional<std::string> upload_sha256;
  /// When true, send_pli with a key that already made a pli answers 409 with subject
  /// "Idempotency-Key" (a send of the same key under way elsewhere) instead of that pli.
  bool conflict_on_known_key = false;

  // --- Records. ---
  std::vector<std::string> calls;        ///< method names, in order
  std::vector<PliFilter> filters;        ///< every filter given to plis(), in order
  std::vector<std::string> upload_keys;  ///< the Idempotency-Key of every upload, in order

  /// How many calls of `method` were made.
  std::size_t count(std::string_view method) const;
  /// A pli en cours of `numero_unique` sent at `sent`, with one piece of `type`, put at its
  /// place in `all_plis` (newest first); returns its transaction.
  std::string add_pli(const std::string& numero_unique, Timestamp sent,
                      StatutPli statut = StatutPli::numerisation_en_cours,
                      const std::string& type = "avis_imposition");
  /// The pli of `transaction`; nullptr when there is none.
  Pli* find(const std::string& transaction);

  // --- sne::Service. ---
  const EndpointInfo& endpoint() const noexcept override { return endpoint_; }
  void set_token(std::string token) override { token_ = std::move(token); }
  Timestamp server_time() const override { return now; }
  Result<Session> login(const std::string& email, const std::string& password) override;
  Status logout() override;
  Result<Me> me() override;
  Result<Me> update_profile(const ProfileChange& change) override;
  Result<Me> switch_guichet(const std::string& code) override;
  Result<AccountRequest> request_account(const AccountRequestInput& input,
                                         const std::string& idempotency_key) override;
  Result<AccountRequest> account_request(const std::string& id) override;
  Result<std::vector<AccountRequest>> pending_requests() override;
  Result<AccountRequest> validate_request(const std::string& id) override;
  Result<AccountRequest> reject_request(const std::string& id, const std::string& motif) override;
  Result<std::string> activate(const std::string& activation_token,
                               const std::string& password) override;
  Result<Demande> demande(const std::string& numero_unique) override;
  Result<Upload> upload(std::string_view content, const std::string& idempotency_key) override;
  Result<Upload> upload_file(const std::string& path, const std::string& idempotency_key) override;
  Result<Pli> send_pli(const std::string& numero_unique, const PliInput& input,
                       const std::string& idempotency_key) override;
  Status delete_piece(const std::string& numero_unique, const std::string& piece_id) override;
  Result<PliPage> plis(const PliFilter& filter) override;
  Result<Pli> pli(const std::string& transaction) override;

 private:
  /// Records the call, runs `before`, and answers the method's next scripted failure, if any.
  std::optional<Error> enter(std::string_view method);
  /// Stores an upload of `content` under a new id, as both upload calls do.
  Upload keep_upload(std::string_view content, const std::string& idempotency_key);

  EndpointInfo endpoint_{EndpointInfo::Kind::http, "fake://service", {}};
  std::string token_;
  std::size_t serial_ = 0;  // of transactions, uploads and pieces
};

}  // namespace sne::testing
