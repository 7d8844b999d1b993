#include "fake_service.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "crypto/crypto.hpp"
#include "sne/contexte.hpp"

namespace sne::testing {

namespace {

Error not_faked(std::string_view method) {
  return Error(ErrorCode::internal, "FakeService::" + std::string(method) + " is not faked");
}

}  // namespace

std::size_t FakeService::count(std::string_view method) const {
  return static_cast<std::size_t>(std::count(calls.begin(), calls.end(), method));
}

std::optional<Error> FakeService::enter(std::string_view method) {
  calls.emplace_back(method);
  if (before) before(method);
  auto it = failures.find(std::string(method));
  if (it == failures.end() || it->second.empty()) return std::nullopt;
  Error e = std::move(it->second.front());
  it->second.pop_front();
  return e;
}

std::string FakeService::add_pli(const std::string& numero_unique, Timestamp sent, StatutPli statut,
                                 const std::string& type) {
  Pli p;
  p.resume.transaction = "fakepli" + std::to_string(100000 + ++serial_);
  p.resume.numero_unique = numero_unique;
  p.resume.guichet = guichet;
  p.resume.contexte = Contexte::ajout;
  p.resume.statut = statut;
  p.resume.date_transmission = sent;
  p.resume.date_statut = sent;
  p.resume.nb_pieces = 1;
  p.pieces.push_back({type, "piece.pdf", 1000, PieceOutcome::en_attente, {}});
  p.historique.push_back({statut, sent});
  const auto at = std::find_if(all_plis.begin(), all_plis.end(),
                               [&](const Pli& q) { return q.resume.date_transmission < sent; });
  all_plis.insert(at, p);
  return p.resume.transaction;
}

Pli* FakeService::find(const std::string& transaction) {
  auto it = std::find_if(all_plis.begin(), all_plis.end(),
                         [&](const Pli& p) { return p.resume.transaction == transaction; });
  return it == all_plis.end() ? nullptr : &*it;
}

Result<Session> FakeService::login(const std::string&, const std::string&) {
  return not_faked("login");
}
Status FakeService::logout() { return not_faked("logout"); }
Result<Me> FakeService::me() {
  if (auto e = enter("me")) return *e;
  Me me;
  me.email = "agent@fake.test";
  me.guichet = guichet;
  return me;
}
Result<Me> FakeService::update_profile(const ProfileChange&) { return not_faked("update_profile"); }
Result<Me> FakeService::switch_guichet(const std::string&) { return not_faked("switch_guichet"); }
Result<AccountRequest> FakeService::request_account(const AccountRequestInput&,
                                                    const std::string&) {
  return not_faked("request_account");
}
Result<AccountRequest> FakeService::account_request(const std::string&) {
  return not_faked("account_request");
}
Result<std::vector<AccountRequest>> FakeService::pending_requests() {
  return not_faked("pending_requests");
}
Result<AccountRequest> FakeService::validate_request(const std::string&) {
  return not_faked("validate_request");
}
Result<AccountRequest> FakeService::reject_request(const std::string&, const std::string&) {
  return not_faked("reject_request");
}
Result<std::string> FakeService::activate(const std::string&, const std::string&) {
  return not_faked("activate");
}
Status FakeService::delete_piece(const std::string& numero_unique, const std::string& piece_id) {
  if (auto e = enter("delete_piece")) return *e;
  auto it = demandes.find(numero_unique);
  if (it == demandes.end())
    return Error(ErrorCode::not_found, "demande " + numero_unique + " not found", numero_unique)
        .with_http(404);
  auto& pieces = it->second.pieces;
  auto piece = std::find_if(pieces.begin(), pieces.end(),
                            [&](const StoredPiece& p) { return p.id == piece_id; });
  if (piece == pieces.end())
    return Error(ErrorCode::not_found, "piece " + piece_id + " not found", piece_id).with_http(404);
  pieces.erase(piece);
  return {};
}

Result<Demande> FakeService::demande(const std::string& numero_unique) {
  if (auto e = enter("demande")) return *e;
  auto it = demandes.find(numero_unique);
  if (it == demandes.end())
    return Error(ErrorCode::not_found, "demande " + numero_unique + " not found", numero_unique)
        .with_http(404);
  return it->second;
}

Upload FakeService::keep_upload(std::string_view content, const std::string& idempotency_key) {
  upload_keys.push_back(idempotency_key);
  Upload u;
  u.upload_id = "upl-" + std::to_string(++serial_);
  u.taille = content.size();
  u.sha256 = upload_sha256 ? *upload_sha256 : crypto::sha256_hex(content);
  uploads[u.upload_id] = u;
  return u;
}

Result<Upload> FakeService::upload(std::string_view content, const std::string& idempotency_key) {
  if (auto e = enter("upload")) return *e;
  return keep_upload(content, idempotency_key);
}

Result<Upload> FakeService::upload_file(const std::string& path,
                                        const std::string& idempotency_key) {
  if (auto e = enter("upload_file")) return *e;
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::io, "cannot open " + path, path);
  const std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return keep_upload(content, idempotency_key);
}

Result<Pli> FakeService::send_pli(const std::string& numero_unique, const PliInput& input,
                                  const std::string& idempotency_key) {
  if (auto e = enter("send_pli")) return *e;
  if (auto known = sent_by_key.find(idempotency_key);
      !idempotency_key.empty() && known != sent_by_key.end()) {
    if (conflict_on_known_key)
      return Error(ErrorCode::conflict, "a request with this key is under way", "Idempotency-Key")
          .with_http(409);
    return *find(known->second);
  }
  auto d = demandes.find(numero_unique);
  if (d == demandes.end())
    return Error(ErrorCode::not_found, "demande " + numero_unique + " not found", numero_unique)
        .with_http(404);
  Pli p;
  p.resume.transaction = "fakepli" + std::to_string(100000 + ++serial_);
  p.resume.numero_unique = numero_unique;
  p.resume.guichet = guichet;
  p.resume.contexte = input.contexte;
  p.resume.date_transmission = now;
  p.resume.date_statut = now;
  p.historique.push_back({StatutPli::numerisation_en_cours, now});
  for (const auto& piece : input.pieces) {
    auto u = uploads.find(piece.upload_id);
    if (u == uploads.end())
      return Error(ErrorCode::invalid_input, "unknown upload " + piece.upload_id, "upload_id")
          .with_http(400);
    p.pieces.push_back(
        {piece.type, piece.nom_fichier, u->second.taille, PieceOutcome::en_attente, {}});
    StoredPiece stored;
    stored.id = "piece-" + std::to_string(++serial_);
    stored.type = piece.type;
    stored.nom_fichier = piece.nom_fichier;
    stored.taille = u->second.taille;
    stored.date_ajout = now;
    stored.transaction = p.resume.transaction;
    stored.sha256 = u->second.sha256;
    d->second.pieces.push_back(std::move(stored));
  }
  p.resume.nb_pieces = static_cast<int>(p.pieces.size());
  if (!idempotency_key.empty()) sent_by_key[idempotency_key] = p.resume.transaction;
  all_plis.insert(all_plis.begin(), p);
  return p;
}

Result<PliPage> FakeService::plis(const PliFilter& filter) {
  filters.push_back(filter);
  if (auto e = enter("plis")) return *e;
  if (filter.limit < 1 || filter.limit > 500)
    return Error(ErrorCode::invalid_input, "limit must be from 1 to 500", "limit").with_http(400);
  std::vector<const Pli*> matched;
  for (const auto& p : all_plis) {
    const auto& r = p.resume;
    if (!filter.idempotency_key.empty()) {
      auto k = sent_by_key.find(filter.idempotency_key);
      if (k == sent_by_key.end() || k->second != r.transaction) continue;
    }
    if (filter.statut && r.statut != *filter.statut) continue;
    if (!filter.numero_unique.empty() && r.numero_unique != filter.numero_unique) continue;
    if (filter.contexte && r.contexte != *filter.contexte) continue;
    if (filter.since && r.date_transmission < *filter.since) continue;
    if (filter.until && !(r.date_transmission < *filter.until)) continue;
    matched.push_back(&p);
  }
  std::size_t start = 0;
  if (!filter.cursor.empty()) {
    std::istringstream in(filter.cursor);
    if (!(in >> start) || start > matched.size())
      return Error(ErrorCode::invalid_input, "bad cursor", "cursor").with_http(400);
  }
  const std::size_t size = std::min(static_cast<std::size_t>(filter.limit), page_max);
  PliPage page;
  for (std::size_t i = start; i < matched.size() && i < start + size; ++i)
    page.items.push_back(matched[i]->resume);
  if (start + size < matched.size()) page.next_cursor = std::to_string(start + size);
  return page;
}

Result<Pli> FakeService::pli(const std::string& transaction) {
  if (auto e = enter("pli")) return *e;
  const Pli* p = find(transaction);
  if (p == nullptr)
    return Error(ErrorCode::not_found, "pli " + transaction + " not found", transaction)
        .with_http(404);
  return *p;
}

}  // namespace sne::testing
