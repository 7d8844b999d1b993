// send_pieces against the fake Service: one pli exactly once (replays recognised before any
// check), a key reused for another send refused, no room or a radiated demande refused before
// any upload, an upload whose SHA-256 is not the file's refused before the pli.
#include <doctest/doctest.h>

#include "../support/fake_service.hpp"
#include "../support/temp_dir.hpp"
#include "crypto/crypto.hpp"
#include "sne/catalog.hpp"
#include "sne/send.hpp"

using namespace sne;
using sne::testing::FakeService;
using sne::testing::TempDir;

namespace {

constexpr const char* kHerault = "0340523004101G3401";
constexpr const char* kType = "avis_imposition";

/// A demande of Hérault, files of 1000 bytes each, and the input sending them (preflight
/// reports given, so that no inspection runs).
struct Fixture {
  FakeService service;
  TempDir dir{"send"};
  SendPiecesInput input;

  explicit Fixture(int files = 2) {
    Demande d;
    d.numero_unique = kHerault;
    d.territoire = "034";
    service.demandes[kHerault] = d;
    input.numero_unique = kHerault;
    input.type = kType;
    for (int i = 0; i < files; ++i)
      add_file("avis" + std::to_string(i) + ".pdf", std::string(1000, static_cast<char>('a' + i)));
  }
  void add_file(const std::string& name, const std::string& content) {
    input.files.push_back(dir.write(name, content));
    InspectReport r;
    r.file = input.files.back();
    r.format = Format::pdf;
    r.bytes = content.size();
    r.pages = 1;
    input.inspected.push_back(r);
  }
  /// A piece of kType already filed in the demande with this SHA-256.
  void file_piece(const std::string& sha256) {
    StoredPiece p;
    p.id = "old-" + std::to_string(service.demandes[kHerault].pieces.size());
    p.type = kType;
    p.nom_fichier = "old.pdf";
    p.transaction = "oldpli000000";
    p.sha256 = sha256;
    service.demandes[kHerault].pieces.push_back(p);
  }
};

int max_pieces() { return Catalog::builtin().find_type(kType)->max_pieces; }

}  // namespace

TEST_CASE("send_pieces: asks for the key, checks the demande, uploads each file, sends one pli") {
  Fixture f;
  auto r = send_pieces(f.service, f.input);
  REQUIRE(r.ok());
  CHECK_FALSE(r->replayed);
  CHECK_FALSE(r->dry_run);
  CHECK(r->bytes == 2000);
  CHECK(r->preflight.size() == 2);
  CHECK(f.service.calls ==
        std::vector<std::string>{"plis", "demande", "upload_file", "upload_file", "send_pli"});
  REQUIRE(f.service.filters.size() == 1);
  CHECK(f.service.filters[0].idempotency_key == r->idempotency_key);
  CHECK(f.service.upload_keys ==
        std::vector<std::string>{r->idempotency_key + "-0", r->idempotency_key + "-1"});
  REQUIRE(r->pli.pieces.size() == 2);
  CHECK(r->pli.pieces[0].nom_fichier == "avis0.pdf");
  CHECK(r->pli.pieces[1].type == kType);
  CHECK(r->pli.resume.contexte == Contexte::ajout);
  CHECK(f.service.all_plis.size() == 1);
  CHECK(f.service.demandes[kHerault].pieces.size() == 2);

  // The key is derived from the content, not from the names.
  std::vector<std::string> hashes;
  for (const auto& file : f.input.files) hashes.push_back(*crypto::sha256_file_hex(file));
  CHECK(*send_idempotency_key(f.input, hashes) == r->idempotency_key);
  CHECK(r->idempotency_key.rfind("pieces-", 0) == 0);
}

TEST_CASE("send_pieces: a second send of the same content answers the first pli, replayed") {
  Fixture f;
  auto first = send_pieces(f.service, f.input);
  REQUIRE(first.ok());
  // The category is now full, and the demande not even asked: a replay comes first.
  f.service.calls.clear();
  f.service.failures["demande"].push_back(Error(ErrorCode::internal, "must not be asked"));
  auto again = send_pieces(f.service, f.input);
  REQUIRE(again.ok());
  CHECK(again->replayed);
  CHECK(again->pli.resume.transaction == first->pli.resume.transaction);
  CHECK(f.service.calls == std::vector<std::string>{"plis", "pli"});
  CHECK(f.service.all_plis.size() == 1);
}

TEST_CASE("send_pieces: a key that made another send is refused, not taken for this one") {
  Fixture f(1);
  f.input.idempotency_key = "row-1";
  REQUIRE(send_pieces(f.service, f.input).ok());

  Fixture other(1);
  other.service = f.service;  // the same service, whose key row-1 made a pli
  other.input.idempotency_key = "row-1";
  other.input.files = {other.dir.write("bigger.pdf", std::string(2000, 'z'))};
  other.input.inspected[0].bytes = 2000;
  other.service.calls.clear();
  auto r = send_pieces(other.service, other.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::conflict);
  CHECK(r.error().subject() == "idempotency_key");
  CHECK(other.service.count("upload_file") == 0);
  CHECK(other.service.count("send_pli") == 0);
}

TEST_CASE("send_pieces: no room left in the category is refused before any upload") {
  Fixture f(1);
  for (int i = 0; i < max_pieces(); ++i) f.file_piece(std::string(64, 'f'));
  auto r = send_pieces(f.service, f.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::conflict);
  CHECK(r.error().subject() == kType);
  CHECK(f.service.count("upload_file") == 0);
  CHECK(f.service.count("send_pli") == 0);

  // Full, and one of the held pieces has this very content: named, and no deletion proposed.
  Fixture same(1);
  const auto sha = *crypto::sha256_file_hex(same.input.files[0]);
  same.file_piece(sha);
  for (int i = 1; i < max_pieces(); ++i) same.file_piece(std::string(64, 'f'));
  auto dup = send_pieces(same.service, same.input);
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().code() == ErrorCode::conflict);
  CHECK(dup.error().message().find("already holds the content") != std::string::npos);
}

TEST_CASE("send_pieces: content already filed, with room left, is sent with a warning") {
  Fixture f(1);
  f.file_piece(*crypto::sha256_file_hex(f.input.files[0]));
  REQUIRE(max_pieces() >= 2);
  auto r = send_pieces(f.service, f.input);
  REQUIRE(r.ok());
  REQUIRE(r->warnings.size() == 1);
  CHECK(r->warnings[0].code == send_warning::duplicate_content);
  CHECK(f.service.count("send_pli") == 1);
}

TEST_CASE("send_pieces: a radiated demande is refused before any upload") {
  Fixture f(1);
  f.service.demandes[kHerault].date_radiation = *Date::parse("2024-01-31");
  auto r = send_pieces(f.service, f.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::conflict);
  CHECK(r.error().subject() == kHerault);
  CHECK(r.error().message().find("2024-01-31") != std::string::npos);
  CHECK(f.service.count("upload_file") == 0);
}

TEST_CASE("send_pieces: an upload whose SHA-256 is not the file's stops before the pli") {
  Fixture f;
  f.service.upload_sha256 = std::string(64, '0');
  auto r = send_pieces(f.service, f.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::invalid_input);
  CHECK(r.error().subject() == f.input.files[0]);
  CHECK(f.service.count("upload_file") == 1);
  CHECK(f.service.count("send_pli") == 0);
  CHECK(f.service.all_plis.empty());

  // Hashes given by the caller are what the uploads are held to.
  Fixture given(1);
  given.input.sha256 = {std::string(64, '1')};
  auto stale = send_pieces(given.service, given.input);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.error().code() == ErrorCode::invalid_input);
  CHECK(given.service.count("send_pli") == 0);
}

TEST_CASE("send_pieces: the same content sent at the same moment under another key's race") {
  // The key was free when asked, and taken by a concurrent send when the pli was sent: the 409
  // on the Idempotency-Key is looked up, and this send is that pli.
  Fixture f(1);
  f.service.conflict_on_known_key = true;
  std::string concurrent;
  f.service.before = [&](std::string_view method) {
    if (method != "send_pli" || !concurrent.empty()) return;
    const auto& key = f.service.upload_keys.at(0);
    concurrent =
        f.service.add_pli(kHerault, f.service.now, StatutPli::numerisation_en_cours, kType);
    f.service.sent_by_key[key.substr(0, key.size() - 2)] = concurrent;
  };
  auto r = send_pieces(f.service, f.input);
  REQUIRE(r.ok());
  CHECK(r->replayed);
  CHECK(r->pli.resume.transaction == concurrent);
  CHECK(f.service.all_plis.size() == 1);
}

TEST_CASE("send_pieces: a dry run checks everything and uploads nothing") {
  Fixture f;
  f.input.dry_run = true;
  auto r = send_pieces(f.service, f.input);
  REQUIRE(r.ok());
  CHECK(r->dry_run);
  CHECK(r->pli.resume.transaction.empty());
  CHECK(f.service.calls == std::vector<std::string>{"plis", "demande"});
}

TEST_CASE("send_pieces: a preflight problem, or a warning when strict, sends nothing") {
  Fixture f;
  f.input.inspected[1].problems.push_back({"empty_file", "the file is empty"});
  auto r = send_pieces(f.service, f.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::invalid_input);
  CHECK(r.error().subject() == f.input.files[1]);
  CHECK(f.service.calls.empty());

  Fixture strict(1);
  strict.input.inspected[0].warnings.push_back({"low_resolution", "120 dpi"});
  strict.input.strict = true;
  CHECK_FALSE(send_pieces(strict.service, strict.input).ok());
  CHECK(strict.service.calls.empty());
  strict.input.strict = false;
  CHECK(send_pieces(strict.service, strict.input).ok());
}

TEST_CASE("send_pieces: malformed input is refused before the service is asked") {
  Fixture f(1);
  SUBCASE("numéro") { f.input.numero_unique = "034"; }
  SUBCASE("type") { f.input.type = "no_such_type"; }
  SUBCASE("no file") {
    f.input.files.clear();
    f.input.inspected.clear();
  }
  auto r = send_pieces(f.service, f.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::invalid_input);
  CHECK(f.service.calls.empty());
}

TEST_CASE("send_pieces: the service's errors are the send's") {
  Fixture f(1);
  SUBCASE("asking for the key") {
    f.service.failures["plis"].push_back(Error(ErrorCode::network, "x"));
  }
  SUBCASE("the demande") { f.service.demandes.clear(); }
  SUBCASE("an upload") {
    f.service.failures["upload_file"].push_back(Error(ErrorCode::rate_limited, "x"));
  }
  SUBCASE("the pli") { f.service.failures["send_pli"].push_back(Error(ErrorCode::server, "x")); }
  auto r = send_pieces(f.service, f.input);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() != ErrorCode::invalid_input);
  CHECK(f.service.all_plis.empty());
}

TEST_CASE("send_pieces: a file name that is not UTF-8 is sent as Latin-1 in UTF-8") {
  Fixture f(0);
  f.add_file("quittance_f\xe9v.pdf", std::string(1000, 'q'));
  auto r = send_pieces(f.service, f.input);
  REQUIRE(r.ok());
  REQUIRE(r->pli.pieces.size() == 1);
  CHECK(r->pli.pieces[0].nom_fichier == "quittance_f\xc3\xa9v.pdf");
}

TEST_CASE("send_pieces: an upload's key stays within the contract's 255 characters") {
  Fixture f(1);
  f.input.idempotency_key = std::string(250, 'k');
  auto r = send_pieces(f.service, f.input);
  REQUIRE(r.ok());
  CHECK(r->idempotency_key == f.input.idempotency_key);  // the pli's own key is the caller's
  REQUIRE(f.service.upload_keys.size() == 1);
  CHECK(f.service.upload_keys[0] == crypto::sha256_hex(f.input.idempotency_key) + "-0");
  CHECK(f.service.upload_keys[0].size() <= 255);
}

TEST_CASE("find_sent_pli: the pli a key made, or none") {
  Fixture f(1);
  f.input.idempotency_key = "row-7";
  auto none = find_sent_pli(f.service, "row-7");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto sent = send_pieces(f.service, f.input);
  REQUIRE(sent.ok());
  auto found = find_sent_pli(f.service, "row-7");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->resume.transaction == sent->pli.resume.transaction);
  CHECK(f.service.filters.back().limit == 1);
  f.service.failures["pli"].push_back(Error(ErrorCode::network, "reset"));
  CHECK(find_sent_pli(f.service, "row-7").error().code() == ErrorCode::network);
}
