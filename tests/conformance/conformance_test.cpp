// One suite of scenarios for every backend: what the contract promises, refusals included.
// Run twice by ctest: against the embedded sandbox, and over HTTP against `sne sandbox serve`.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>

#include "../support/samples.hpp"
#include "backend.hpp"
#include "sne/catalog.hpp"
#include "sne/sandbox.hpp"
#include "sne/tracking.hpp"

using conformance::Backend;
using namespace sne;

namespace {

/// How many more pieces of `type` the demande holds.
int room(const Demande& d, const std::string& type) {
  const auto n = std::count_if(d.pieces.begin(), d.pieces.end(),
                               [&](const StoredPiece& p) { return p.type == type; });
  return Catalog::builtin().find_type(type)->max_pieces - static_cast<int>(n);
}

/// A PDF encrypted with a user password, made by the qpdf tool.
std::string encrypted_pdf() {
  const std::string dir = "/tmp/sne-conformance-" + std::to_string(::getpid());
  std::system(("mkdir -p " + dir).c_str());
  { std::ofstream(dir + "/plain.pdf", std::ios::binary) << samples::text_pdf(1); }
  const int rc = std::system(
      ("qpdf --encrypt secret owner 256 -- " + dir + "/plain.pdf " + dir + "/locked.pdf").c_str());
  REQUIRE(rc == 0);
  std::ifstream in(dir + "/locked.pdf", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::system(("rm -rf " + dir).c_str());
  return bytes;
}

PliPieceInput piece(std::string type, std::string nom_fichier, std::string upload_id) {
  PliPieceInput p;
  p.type = std::move(type);
  p.nom_fichier = std::move(nom_fichier);
  p.upload_id = std::move(upload_id);
  return p;
}

std::string activation_token(const Backend& b, const std::string& email) {
  auto mails = sandbox_outbox(b.db());
  REQUIRE(mails.ok());
  for (auto it = mails->rbegin(); it != mails->rend(); ++it) {
    std::smatch m;
    if (it->to == email && std::regex_search(it->body, m, std::regex(R"(--token ([a-z0-9]+))")))
      return m[1];
  }
  FAIL("no activation mail to " << email);
  return {};
}

AccountRequestInput request_input(const std::string& email) {
  return {"Martin", "Léa", email, "04 67 00 00 09", "commune", "Mairie de Montpellier", {"G3401"}};
}

/// The status, error code and body of a raw exchange.
http::Response raw(const Backend& b, std::string method, std::string target, std::string body,
                   http::Headers headers = {}) {
  auto r = b.raw()->send(
      {std::move(method), std::move(target), std::move(headers), std::move(body), {}});
  REQUIRE(r.ok());
  return *r;
}

std::string bearer(const Backend& b, const std::string& email) {
  auto session = b.service()->login(email, kSandboxPassword);
  REQUIRE(session.ok());
  return "Bearer " + session->token;
}

/// A demande of the agent's territory, and the first one of another territory.
const char* kOtherTerritoryGuichet = "G6901";

std::vector<PliSummary> all_plis(Service& s, PliFilter filter = {}) {
  std::vector<PliSummary> out;
  for (int pages = 0; pages < 100; ++pages) {
    auto page = s.plis(filter);
    REQUIRE(page.ok());
    out.insert(out.end(), page->items.begin(), page->items.end());
    if (page->next_cursor.empty()) break;
    filter.cursor = page->next_cursor;
  }
  return out;
}

/// A type of the catalog, within the périmètre réglementaire, of which the demande holds no
/// piece and none waits in a pli still in processing.
std::string empty_category(Service& s, const std::string& numero) {
  auto d = s.demande(numero);
  REQUIRE(d.ok());
  std::set<std::string> used;
  for (const auto& p : d->pieces) used.insert(p.type);
  for (const auto& summary : all_plis(s)) {
    if (summary.numero_unique != numero || info(summary.statut).final) continue;
    auto pli = s.pli(summary.transaction);
    REQUIRE(pli.ok());
    for (const auto& p : pli->pieces) used.insert(p.type);
  }
  for (const auto& r : Catalog::builtin().rubriques())
    for (const auto& t : r.types)
      if (t.perimetre == Perimetre::reglementaire && used.count(t.code) == 0) return t.code;
  FAIL("every category of demande " << numero << " holds a piece");
  return {};
}

}  // namespace

TEST_SUITE("authentication") {
  TEST_CASE("a demo agent signs in and sees their profile and guichet") {
    Backend b;
    auto s = b.signed_in(kSandboxAgent);
    auto me = s->me();
    REQUIRE(me.ok());
    CHECK(me->email == kSandboxAgent);
    CHECK(me->role == Role::agent);
    CHECK(me->guichet == "G3401");
    REQUIRE(me->guichets.size() == 1);
    CHECK(me->guichets[0].territoire == "034");
    CHECK(me->guichets[0].siret.size() == 14);
  }

  TEST_CASE("a wrong password and an unknown e-mail get the same 401") {
    Backend b;
    auto wrong = b.service()->login(kSandboxAgent, "not the password");
    auto unknown = b.service()->login("nobody@example.test", "sandbox");
    REQUIRE_FALSE(wrong.ok());
    REQUIRE_FALSE(unknown.ok());
    CHECK(wrong.error().code() == ErrorCode::unauthenticated);
    CHECK(wrong.error().http_status() == 401);
    CHECK(wrong.error().message() == unknown.error().message());
  }

  TEST_CASE("no token, a forged token and a revoked token are refused") {
    Backend b;
    auto anonymous = b.service()->me();
    REQUIRE_FALSE(anonymous.ok());
    CHECK(anonymous.error().code() == ErrorCode::unauthenticated);
    auto forged = b.service("forged-token")->me();
    REQUIRE_FALSE(forged.ok());
    CHECK(forged.error().http_status() == 401);
    auto s = b.signed_in(kSandboxAgent);
    REQUIRE(s->logout().ok());
    auto after = s->me();
    REQUIRE_FALSE(after.ok());
    CHECK(after.error().code() == ErrorCode::unauthenticated);
  }

  TEST_CASE("tokens expire") {
    Backend b;
    auto s = b.signed_in(kSandboxAgent);
    REQUIRE(s->me().ok());
    REQUIRE(advance_sandbox_clock(b.db(), std::chrono::hours(9)).ok());
    auto me = s->me();
    REQUIRE_FALSE(me.ok());
    CHECK(me.error().code() == ErrorCode::unauthenticated);
  }
}

TEST_SUITE("accounts") {
  TEST_CASE("request, validation by a référent, activation, sign-in") {
    Backend b;
    const std::string email = "lea.martin@montpellier.example";
    auto r = b.service()->request_account(request_input(email), new_idempotency_key());
    REQUIRE(r.ok());
    CHECK(r->statut == RequestStatus::en_attente);
    CHECK(b.service()->account_request(r->id)->statut == RequestStatus::en_attente);

    auto agent_list = b.signed_in(kSandboxAgent)->pending_requests();
    REQUIRE_FALSE(agent_list.ok());
    CHECK(agent_list.error().code() == ErrorCode::forbidden);

    auto referent = b.signed_in(kSandboxReferent);
    auto pending = referent->pending_requests();
    REQUIRE(pending.ok());
    CHECK(std::any_of(pending->begin(), pending->end(),
                      [&](const AccountRequest& p) { return p.id == r->id; }));
    auto validated = referent->validate_request(r->id);
    REQUIRE(validated.ok());
    CHECK(validated->statut == RequestStatus::validee);
    auto again = referent->validate_request(r->id);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code() == ErrorCode::conflict);

    const std::string token = activation_token(b, email);
    auto short_password = b.service()->activate(token, "short");
    REQUIRE_FALSE(short_password.ok());
    CHECK(short_password.error().code() == ErrorCode::invalid_input);
    auto activated = b.service()->activate(token, "correct horse battery");
    REQUIRE(activated.ok());
    CHECK(*activated == email);
    auto reused = b.service()->activate(token, "correct horse battery 2");
    REQUIRE_FALSE(reused.ok());
    CHECK(reused.error().code() == ErrorCode::conflict);
    CHECK(b.service()->account_request(r->id)->statut == RequestStatus::activee);

    auto me = b.signed_in(email, "correct horse battery")->me();
    REQUIRE(me.ok());
    CHECK(me->guichet == "G3401");
    CHECK(me->nom == "Martin");
  }

  TEST_CASE("an expired activation token is refused") {
    Backend b;
    const std::string email = "late@montpellier.example";
    auto r = b.service()->request_account(request_input(email), {});
    REQUIRE(r.ok());
    REQUIRE(b.signed_in(kSandboxReferent)->validate_request(r->id).ok());
    const std::string token = activation_token(b, email);
    REQUIRE(advance_sandbox_clock(b.db(), std::chrono::hours(73)).ok());
    auto activated = b.service()->activate(token, "correct horse battery");
    REQUIRE_FALSE(activated.ok());
    CHECK(activated.error().code() == ErrorCode::unauthenticated);
    CHECK(b.service()->activate("unknown-token", "correct horse battery").error().code() ==
          ErrorCode::unauthenticated);
  }

  TEST_CASE("a rejected request says why, and the requester is told") {
    Backend b;
    const std::string email = "refused@example.test";
    auto r = b.service()->request_account(request_input(email), {});
    REQUIRE(r.ok());
    auto rejected = b.signed_in(kSandboxReferent)->reject_request(r->id, "E-mail non nominatif");
    REQUIRE(rejected.ok());
    CHECK(rejected->statut == RequestStatus::rejetee);
    CHECK(rejected->motif == "E-mail non nominatif");
    auto mails = sandbox_outbox(b.db());
    REQUIRE(mails.ok());
    CHECK(mails->back().to == email);
    CHECK(mails->back().body.find("E-mail non nominatif") != std::string::npos);
  }

  TEST_CASE("duplicate e-mails are refused with 409") {
    Backend b;
    auto taken = b.service()->request_account(request_input(kSandboxAgent), {});
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().code() == ErrorCode::conflict);
    CHECK(taken.error().http_status() == 409);
    REQUIRE(b.service()->request_account(request_input("twice@example.test"), {}).ok());
    auto twice = b.service()->request_account(request_input("TWICE@example.test"), {});
    REQUIRE_FALSE(twice.ok());
    CHECK(twice.error().code() == ErrorCode::conflict);
  }

  TEST_CASE("bad fields of a request are named") {
    Backend b;
    auto in = request_input("x@example.test");
    in.guichets = {"ZZZZZ"};
    auto unknown = b.service()->request_account(in, {});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code() == ErrorCode::invalid_input);
    CHECK(unknown.error().subject() == "guichets[0]");
    in = request_input("not-an-email");
    CHECK(b.service()->request_account(in, {}).error().subject() == "email");
    in = request_input("x@example.test");
    in.telephone = "call me";
    CHECK(b.service()->request_account(in, {}).error().subject() == "telephone");
  }

  TEST_CASE("validating a request needs a référent of each of its guichets") {
    Backend b;
    auto in = request_input("two@example.test");
    in.guichets = {"G3401", "G1101"};  // the demo référent answers for G3401 only
    auto r = b.service()->request_account(in, {});
    REQUIRE(r.ok());
    auto referent = b.signed_in(kSandboxReferent);
    auto validated = referent->validate_request(r->id);
    REQUIRE_FALSE(validated.ok());
    CHECK(validated.error().code() == ErrorCode::forbidden);
    CHECK(validated.error().message().find("G1101") != std::string::npos);
    CHECK(b.service()->account_request(r->id)->statut == RequestStatus::en_attente);
    CHECK(referent->reject_request(r->id, "Guichet G1101 non concerné").ok());
  }

  TEST_CASE("a référent cannot see nor decide requests of other guichets") {
    Backend b;
    auto in = request_input("idf@example.test");
    in.guichets = {"G1101"};
    auto r = b.service()->request_account(in, {});
    REQUIRE(r.ok());
    auto referent = b.signed_in(kSandboxReferent);
    auto pending = referent->pending_requests();
    REQUIRE(pending.ok());
    CHECK(std::none_of(pending->begin(), pending->end(),
                       [&](const AccountRequest& p) { return p.id == r->id; }));
    auto validated = referent->validate_request(r->id);
    REQUIRE_FALSE(validated.ok());
    CHECK(validated.error().code() == ErrorCode::not_found);
  }

  TEST_CASE("profile, notifications and guichet switching") {
    Backend b;
    auto s = b.signed_in(kSandboxMulti);
    ProfileChange bad;
    bad.telephone = "not a number";
    auto refused = s->update_profile(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().subject() == "telephone");
    ProfileChange change;
    change.telephone = "+33 4 72 00 00 99";
    change.daily_mail = false;
    auto me = s->update_profile(change);
    REQUIRE(me.ok());
    CHECK(me->telephone == "+33 4 72 00 00 99");
    CHECK_FALSE(me->daily_mail);
    CHECK(me->email == kSandboxMulti);

    CHECK(me->guichets.size() == 3);
    auto switched = s->switch_guichet("G9741");
    REQUIRE(switched.ok());
    CHECK(switched->guichet == "G9741");
    auto not_mine = s->switch_guichet("G3401");
    REQUIRE_FALSE(not_mine.ok());
    CHECK(not_mine.error().code() == ErrorCode::not_found);
    CHECK(s->me()->guichet == "G9741");
  }
}

TEST_SUITE("isolation") {
  TEST_CASE("an agent reads the demandes of their territory only") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    auto plis = all_plis(*agent);
    REQUIRE_FALSE(plis.empty());
    auto mine = agent->demande(plis.front().numero_unique);
    REQUIRE(mine.ok());
    CHECK(mine->territoire == "034");

    auto multi = b.signed_in(kSandboxMulti);  // current guichet G6901, territory 069
    auto theirs = all_plis(*multi);
    REQUIRE_FALSE(theirs.empty());
    auto other = agent->demande(theirs.front().numero_unique);
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code() == ErrorCode::not_found);
    CHECK(other.error().http_status() == 404);
    // The same 404 as for a demande that does not exist.
    auto missing = agent->demande("0341219999999G3401");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code() == ErrorCode::not_found);
    auto malformed = agent->demande("not-a-numero");
    REQUIRE_FALSE(malformed.ok());
    CHECK(malformed.error().code() == ErrorCode::invalid_input);
  }

  TEST_CASE("an agent sees the plis of their current guichet only") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    for (const auto& p : all_plis(*agent)) CHECK(p.guichet == "G3401");
    auto multi = b.signed_in(kSandboxMulti);
    const auto theirs = all_plis(*multi);
    REQUIRE_FALSE(theirs.empty());
    auto detail = agent->pli(theirs.front().transaction);
    REQUIRE_FALSE(detail.ok());
    CHECK(detail.error().code() == ErrorCode::not_found);
    // Switching guichet switches what is visible.
    REQUIRE(multi->switch_guichet("G9741").ok());
    CHECK_FALSE(multi->pli(theirs.front().transaction).ok());
    for (const auto& p : all_plis(*multi)) CHECK(p.guichet == "G9741");
    (void)kOtherTerritoryGuichet;
  }
}

TEST_SUITE("plis") {
  TEST_CASE("the seed has plis in every status, paginated newest first") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    PliFilter f;
    f.limit = 4;
    const auto plis = all_plis(*agent, f);
    CHECK(plis.size() == 15);
    std::set<std::string> seen;
    std::set<StatutPli> statuses;
    for (std::size_t i = 0; i < plis.size(); ++i) {
      CHECK(seen.insert(plis[i].transaction).second);
      statuses.insert(plis[i].statut);
      if (i > 0) CHECK(plis[i - 1].date_transmission >= plis[i].date_transmission);
      CHECK(std::regex_match(plis[i].transaction, std::regex("[a-z0-9]{12,13}")));
    }
    CHECK(statuses.size() == 5);

    PliFilter rejected;
    rejected.statut = StatutPli::rejet_dossier;
    const auto only = all_plis(*agent, rejected);
    REQUIRE_FALSE(only.empty());
    for (const auto& p : only) CHECK(p.statut == StatutPli::rejet_dossier);

    PliFilter renewed;
    renewed.contexte = Contexte::renouvellement;
    renewed.limit = 2;
    const auto ren = all_plis(*agent, renewed);
    CHECK(ren.size() ==
          static_cast<std::size_t>(std::count_if(plis.begin(), plis.end(), [](const PliSummary& p) {
            return p.contexte == Contexte::renouvellement;
          })));
    CHECK_FALSE(ren.empty());
    for (const auto& p : ren) CHECK(p.contexte == Contexte::renouvellement);

    PliFilter bad;
    bad.limit = 0;
    auto refused = agent->plis(bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().subject() == "limit");
  }

  TEST_CASE("a pli's detail holds its pieces' outcome and its status history") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    PliFilter f;
    f.statut = StatutPli::rejet_pieces;
    const auto plis = all_plis(*agent, f);
    REQUIRE_FALSE(plis.empty());
    auto pli = agent->pli(plis.front().transaction);
    REQUIRE(pli.ok());
    CHECK(pli->pieces.size() == static_cast<std::size_t>(pli->resume.nb_pieces));
    REQUIRE_FALSE(pli->historique.empty());
    CHECK(pli->historique.back().statut == StatutPli::rejet_pieces);
    CHECK(pli->pieces.front().resultat == PieceOutcome::rejetee);
    CHECK_FALSE(pli->pieces.front().motif.empty());
  }

  TEST_CASE("pieces are sent as a pli; a full category refuses the whole pli") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    // The newest pli of the seed filled the payslips of its demande.
    const auto plis = all_plis(*agent);
    const std::string numero = plis.front().numero_unique;
    auto before = agent->demande(numero);
    REQUIRE(before.ok());
    CHECK(std::count_if(before->pieces.begin(), before->pieces.end(),
                        [](const StoredPiece& p) { return p.type == "bulletins_salaire"; }) == 2);

    const std::string payslip = samples::text_pdf(1);
    auto up = agent->upload(payslip, new_idempotency_key());
    REQUIRE(up.ok());
    CHECK(up->taille == payslip.size());
    CHECK(up->sha256.size() == 64);
    PliInput full{Contexte::ajout, {piece("bulletins_salaire", "bulletin.pdf", up->upload_id)}};
    auto refused = agent->send_pli(numero, full, {});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::conflict);
    CHECK(refused.error().message().find("full") != std::string::npos);
    CHECK(agent->demande(numero)->pieces.size() == before->pieces.size());
    CHECK(all_plis(*agent).size() == plis.size());

    // The refused upload is still usable elsewhere.
    PliInput ok{Contexte::ajout, {piece("attestation_pacs", "pacs.pdf", up->upload_id)}};
    auto sent = agent->send_pli(numero, ok, {});
    REQUIRE(sent.ok());
    CHECK(sent->resume.statut == StatutPli::numerisation_en_cours);
    CHECK(sent->resume.guichet == "G3401");
    CHECK(sent->resume.contexte == Contexte::ajout);
    CHECK(sent->pieces.size() == 1);
    // The piece joins the demande when the numériseur accepts it.
    CHECK(agent->demande(numero)->pieces.size() == before->pieces.size());
    auto run = advance_sandbox(b.db(), std::chrono::seconds(0));
    REQUIRE(run.ok());
    CHECK(run->transactions == std::vector<std::string>{sent->resume.transaction});
    CHECK(agent->demande(numero)->pieces.size() == before->pieces.size() + 1);
    CHECK(agent->pli(sent->resume.transaction)->resume.statut == StatutPli::enregistrement_complet);
    CHECK(all_plis(*agent).front().transaction == sent->resume.transaction);

    auto reused = agent->send_pli(numero, ok, {});
    REQUIRE_FALSE(reused.ok());
    CHECK(reused.error().code() == ErrorCode::conflict);
  }

  TEST_CASE("bad pli input is named") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = all_plis(*agent).front().numero_unique;
    auto up = agent->upload("content", {});
    REQUIRE(up.ok());
    auto bad_type = agent->send_pli(
        numero, {Contexte::ajout, {piece("no_such_type", "a.pdf", up->upload_id)}}, {});
    CHECK(bad_type.error().subject() == "pieces[0].type");
    auto bad_upload =
        agent->send_pli(numero, {Contexte::ajout, {piece("recu_hotel", "a.pdf", "up-nope")}}, {});
    CHECK(bad_upload.error().subject() == "pieces[0].upload_id");
    for (const char* name : {"../../etc/passwd", "a/b.pdf", "a\\b.pdf", "bad\x1b[2J.pdf", ".."}) {
      auto bad_name = agent->send_pli(
          numero, {Contexte::ajout, {piece("attestation_pacs", name, up->upload_id)}}, {});
      REQUIRE_FALSE(bad_name.ok());
      CHECK(bad_name.error().subject() == "pieces[0].nom_fichier");
    }
    auto empty = agent->upload("", {});
    CHECK(empty.error().code() == ErrorCode::invalid_input);
  }

  TEST_CASE("pieces are deleted once") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = all_plis(*agent).back().numero_unique;
    auto d = agent->demande(numero);
    REQUIRE(d.ok());
    REQUIRE_FALSE(d->pieces.empty());
    const std::string id = d->pieces.front().id;
    REQUIRE(agent->delete_piece(numero, id).ok());
    CHECK(agent->demande(numero)->pieces.size() == d->pieces.size() - 1);
    auto again = agent->delete_piece(numero, id);
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code() == ErrorCode::not_found);
  }
}

TEST_SUITE("numeriseur") {
  TEST_CASE("readable pieces land, unreadable, encrypted and hors-périmètre ones are rejected") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = all_plis(*agent).front().numero_unique;
    auto before = agent->demande(numero);
    REQUIRE(before.ok());
    REQUIRE(room(*before, "attestation_pacs") >= 1);
    REQUIRE(room(*before, "avis_imposition") >= 1);
    auto upload = [&](const std::string& content) {
      auto up = agent->upload(content, new_idempotency_key());
      REQUIRE(up.ok());
      return up->upload_id;
    };
    PliPieceInput good = piece("attestation_pacs", "pacs.pdf", upload(samples::text_pdf(2)));
    good.date_emission = Date::parse("2026-01-15").value();
    PliInput in{Contexte::ajout,
                {good, piece("avis_imposition", "avis.pdf", upload(encrypted_pdf())),
                 piece("avis_imposition", "cut.pdf", upload(samples::text_pdf(1).substr(0, 300))),
                 piece("certificat_vie_commune", "vie.pdf", upload(samples::text_pdf(1)))}};
    auto sent = agent->send_pli(numero, in, new_idempotency_key());
    REQUIRE(sent.ok());
    auto run = advance_sandbox(b.db(), std::chrono::seconds(0));
    REQUIRE(run.ok());
    CHECK(run->rejet_pieces == 1);
    auto pli = agent->pli(sent->resume.transaction);
    REQUIRE(pli.ok());
    CHECK(pli->resume.statut == StatutPli::rejet_pieces);
    REQUIRE(pli->historique.size() == 2);
    CHECK(pli->historique.back().statut == StatutPli::rejet_pieces);
    REQUIRE(pli->pieces.size() == 4);
    CHECK(pli->pieces[0].resultat == PieceOutcome::acceptee);
    CHECK(pli->pieces[1].resultat == PieceOutcome::rejetee);
    CHECK(pli->pieces[1].motif.find("mot de passe") != std::string::npos);
    CHECK(pli->pieces[2].resultat == PieceOutcome::rejetee);
    CHECK(pli->pieces[2].motif.find("illisible") != std::string::npos);
    CHECK(pli->pieces[3].resultat == PieceOutcome::rejetee);
    CHECK(pli->pieces[3].motif.find("hors périmètre") != std::string::npos);
    auto after = agent->demande(numero);
    REQUIRE(after->pieces.size() == before->pieces.size() + 1);
    const auto& landed = after->pieces.back();
    CHECK(landed.type == "attestation_pacs");
    CHECK(landed.transaction == sent->resume.transaction);
    CHECK(landed.date_emission == Date::parse("2026-01-15").value());
    // Nothing is left to do.
    CHECK(advance_sandbox(b.db(), std::chrono::seconds(0))->transactions.empty());
  }

  TEST_CASE("the cap counts the pieces of plis still in processing") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = all_plis(*agent).front().numero_unique;
    const std::string type = empty_category(*agent, numero);
    REQUIRE(Catalog::builtin().find_type(type)->max_pieces == 2);
    auto before = agent->demande(numero);
    REQUIRE(before.ok());
    const auto plis_before = all_plis(*agent).size();
    auto pli_of = [&](int pieces) {
      PliInput in{Contexte::ajout, {}};
      for (int i = 0; i < pieces; ++i) {
        auto up = agent->upload(samples::text_pdf(1), new_idempotency_key());
        REQUIRE(up.ok());
        in.pieces.push_back(piece(type, "piece.pdf", up->upload_id));
      }
      return in;
    };
    auto refused = [&](int pieces, int filed, int waiting) {
      auto r = agent->send_pli(numero, pli_of(pieces), new_idempotency_key());
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code() == ErrorCode::conflict);
      CHECK(r.error().http_status() == 409);
      CHECK(r.error().subject() == "pieces");
      CHECK(r.error().message() ==
            "category '" + type + "' of demande " + numero + " is full (2 pieces max.: " +
                std::to_string(filed) + " filed, " + std::to_string(waiting) +
                " in plis still in processing, " + std::to_string(pieces) + " in this one)");
    };
    // Two pieces fill the empty category; while their pli is in processing nothing more fits,
    // and a refused pli adds nothing.
    auto first = agent->send_pli(numero, pli_of(2), new_idempotency_key());
    REQUIRE(first.ok());
    CHECK(first->resume.statut == StatutPli::numerisation_en_cours);
    refused(2, 0, 2);
    refused(1, 0, 2);
    CHECK(all_plis(*agent).size() == plis_before + 1);
    CHECK(agent->demande(numero)->pieces.size() == before->pieces.size());
    // Filed by the numériseur, the two pieces still fill it.
    REQUIRE(advance_sandbox(b.db(), std::chrono::seconds(0)).ok());
    CHECK(agent->pli(first->resume.transaction)->resume.statut ==
          StatutPli::enregistrement_complet);
    auto filled = agent->demande(numero);
    REQUIRE(filled.ok());
    CHECK(room(*filled, type) == 0);
    refused(1, 2, 0);
    // A piece deleted makes room for one, counted at once: a second pli of one does not fit.
    const auto it = std::find_if(filled->pieces.begin(), filled->pieces.end(),
                                 [&](const StoredPiece& p) { return p.type == type; });
    REQUIRE(it != filled->pieces.end());
    REQUIRE(agent->delete_piece(numero, it->id).ok());
    CHECK(agent->send_pli(numero, pli_of(1), new_idempotency_key()).ok());
    refused(1, 1, 1);
  }

  TEST_CASE("a pli for a radiated demande is rejected whole; the delay is honoured") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    std::string radiated;
    for (const auto& p : all_plis(*agent)) {
      auto d = agent->demande(p.numero_unique);
      REQUIRE(d.ok());
      if (d->date_radiation) radiated = p.numero_unique;
    }
    REQUIRE_FALSE(radiated.empty());
    auto up = agent->upload(samples::text_pdf(1), new_idempotency_key());
    REQUIRE(up.ok());
    auto pli = agent->send_pli(
        radiated, {Contexte::ajout, {piece("quittance_loyer", "q.pdf", up->upload_id)}}, {});
    REQUIRE(pli.ok());
    auto state = sandbox_numeriseur(b.db(), std::nullopt);
    REQUIRE(state.ok());
    CHECK(state->delay == std::chrono::seconds(60));
    CHECK(state->waiting == 1);
    CHECK(state->stuck > 0);
    // Not yet due: reading it does not process it.
    CHECK(agent->pli(pli->resume.transaction)->resume.statut == StatutPli::numerisation_en_cours);
    // Once the delay has passed, the next request finds it processed.
    REQUIRE(advance_sandbox_clock(b.db(), std::chrono::seconds(61)).ok());
    auto done = agent->pli(pli->resume.transaction);
    REQUIRE(done.ok());
    CHECK(done->resume.statut == StatutPli::rejet_dossier);
    CHECK(done->pieces[0].resultat == PieceOutcome::rejetee);
    CHECK(done->pieces[0].motif.find("radiée") != std::string::npos);
    CHECK(done->resume.date_statut - done->resume.date_transmission == std::chrono::seconds(60));
    CHECK(sandbox_numeriseur(b.db(), std::nullopt)->waiting == 0);
    CHECK_FALSE(sandbox_numeriseur(b.db(), std::chrono::seconds(90000)).ok());
  }
}

TEST_SUITE("idempotency") {
  TEST_CASE("the same Idempotency-Key replays the first answer") {
    Backend b;
    const std::string key = new_idempotency_key();
    auto first = b.service()->request_account(request_input("once@example.test"), key);
    auto second = b.service()->request_account(request_input("once@example.test"), key);
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(first->id == second->id);
    auto other = b.service()->request_account(request_input("other@example.test"), key);
    REQUIRE_FALSE(other.ok());
    CHECK(other.error().code() == ErrorCode::conflict);

    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = all_plis(*agent).front().numero_unique;
    auto up = agent->upload("piece", {});
    REQUIRE(up.ok());
    const std::string pli_key = new_idempotency_key();
    PliInput in{Contexte::mise_a_jour, {piece("attestation_pacs", "pacs.pdf", up->upload_id)}};
    auto p1 = agent->send_pli(numero, in, pli_key);
    auto p2 = agent->send_pli(numero, in, pli_key);
    REQUIRE(p1.ok());
    REQUIRE(p2.ok());
    CHECK(p1->resume.transaction == p2->resume.transaction);
    CHECK(p1->resume.contexte == Contexte::mise_a_jour);
    CHECK(all_plis(*agent).size() == 16);
  }
}

TEST_SUITE("protocol") {
  TEST_CASE("malformed JSON, unknown and missing members get 400 naming the member") {
    Backend b;
    const http::Headers json{{"Content-Type", "application/json"}};
    auto broken = raw(b, "POST", "/v1/account-requests", "{\"nom\": ", json);
    CHECK(broken.status == 400);
    CHECK(broken.body.find("\"invalid_input\"") != std::string::npos);
    auto unknown = raw(b, "POST", "/v1/auth/token",
                       R"({"email": "a@b.c", "password": "x", "admin": true})", json);
    CHECK(unknown.status == 400);
    CHECK(unknown.body.find("admin") != std::string::npos);
    auto missing = raw(b, "POST", "/v1/auth/token", R"({"email": "a@b.c"})", json);
    CHECK(missing.status == 400);
    CHECK(missing.body.find(R"("field":"password")") != std::string::npos);
    CHECK(missing.body.find(R"("message":"missing key 'password'")") != std::string::npos);
    auto not_object = raw(b, "POST", "/v1/auth/token", "[1, 2]", json);
    CHECK(not_object.status == 400);
  }

  TEST_CASE("oversized bodies get 413 and change nothing") {
    Backend b;
    const std::string big(17u << 20, 'x');
    auto r = raw(b, "POST", "/v1/account-requests", big, {{"Content-Type", "application/json"}});
    CHECK(r.status == 413);
    auto piece = raw(b, "POST", "/v1/uploads", std::string((10u << 20) + 1, 'p'),
                     {{"Authorization", bearer(b, kSandboxAgent)}});
    CHECK(piece.status == 413);
  }

  TEST_CASE("unknown routes are 404, wrong methods 405; answers carry a request id") {
    Backend b;
    auto r = raw(b, "GET", "/v1/nothing-here", "");
    CHECK(r.status == 404);
    CHECK(http::header(r.headers, "X-Request-Id").has_value());
    auto m = raw(b, "DELETE", "/v1/plis", "");
    CHECK(m.status == 405);
    CHECK(http::header(m.headers, "Allow") == "GET");
    auto unauthorized = raw(b, "GET", "/v1/me", "");
    CHECK(unauthorized.status == 401);
    CHECK(http::header(unauthorized.headers, "WWW-Authenticate").has_value());
  }

  TEST_CASE("a refused request leaves the database unchanged") {
    Backend b;
    auto referent = b.signed_in(kSandboxReferent);
    const auto before = referent->pending_requests();
    REQUIRE(before.ok());
    // Valid in every member but the last guichet: nothing of it may remain.
    auto in = request_input("partial@example.test");
    in.guichets = {"G3401", "NOPE1"};
    REQUIRE_FALSE(b.service()->request_account(in, {}).ok());
    CHECK(referent->pending_requests()->size() == before->size());
    in.guichets = {"G3401"};
    CHECK(b.service()->request_account(in, {}).ok());  // the e-mail was not taken
  }
}

TEST_SUITE("tracking") {
  TEST_CASE("the service's clock comes with every answer") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    REQUIRE(advance_sandbox_clock(b.db(), std::chrono::hours(5)).ok());
    REQUIRE(agent->me().ok());
    const auto ahead = agent->server_time() - std::chrono::system_clock::now();
    CHECK(ahead > std::chrono::hours(4));
    CHECK(ahead < std::chrono::hours(6));
  }

  TEST_CASE("the tableau de bord: a limit, overdue plis, filters the service applies") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    PliQuery all;
    all.max = 0;
    const auto every = list_plis(*agent, all);
    REQUIRE(every.ok());
    CHECK(every->items.size() == 15);
    CHECK_FALSE(every->more);

    PliQuery four;
    four.max = 4;
    std::size_t calls = 0;
    const auto first = list_plis(*agent, four, [&](std::size_t) { ++calls; });
    REQUIRE(first.ok());
    CHECK(first->items.size() == 4);
    CHECK(first->more);
    CHECK(calls == first->pages);
    for (std::size_t i = 0; i < 4; ++i)
      CHECK(first->items[i].transaction == every->items[i].transaction);

    // The seed's stuck plis were sent days ago: they are overdue.
    PliQuery overdue;
    overdue.overdue_only = true;
    overdue.max = 0;
    const auto late = list_plis(*agent, overdue);
    REQUIRE(late.ok());
    REQUIRE_FALSE(late->items.empty());
    for (const auto& p : late->items) {
      CHECK(p.statut == StatutPli::numerisation_en_cours);
      CHECK(pli_sla(p, late->now).overdue);
    }
    const auto stats = pli_stats(every->items, every->now);
    CHECK(stats.overdue == late->items.size());

    overdue.statut = StatutPli::rejet_dossier;  // never overdue: nothing asked of the service
    const auto none = list_plis(*agent, overdue);
    REQUIRE(none.ok());
    CHECK(none->items.empty());
    CHECK(none->pages == 0);
  }

  TEST_CASE("watching plis until the numériseur is done") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const auto plis = list_plis(*agent, PliQuery{});
    REQUIRE(plis.ok());
    const std::string numero = plis->items.front().numero_unique;
    auto up = agent->upload(samples::text_pdf(1), new_idempotency_key());
    REQUIRE(up.ok());
    auto sent = agent->send_pli(
        numero, {Contexte::ajout, {piece("attestation_pacs", "pacs.pdf", up->upload_id)}},
        new_idempotency_key());
    REQUIRE(sent.ok());

    // Each wait lets the numériseur work.
    std::vector<std::chrono::milliseconds> waits;
    WatchOptions options;
    options.interval = std::chrono::milliseconds(1000);
    options.sleep = [&](std::chrono::milliseconds d) {
      waits.push_back(d);
      REQUIRE(advance_sandbox(b.db(), std::chrono::seconds(0)).ok());
    };
    std::vector<WatchEvent> events;
    auto done = watch_plis(*agent, {sent->resume.transaction}, options,
                           [&](const WatchEvent& e) { events.push_back(e); });
    REQUIRE(done.ok());
    CHECK(done->outcome == WatchOutcome::complete);
    REQUIRE(events.size() == 2);
    CHECK_FALSE(events[0].previous);
    CHECK(events[0].pli.resume.statut == StatutPli::numerisation_en_cours);
    CHECK(events[1].previous == StatutPli::numerisation_en_cours);
    CHECK(events[1].pli.resume.statut == StatutPli::enregistrement_complet);
    CHECK(waits == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(1000)});

    SUBCASE("a rejected pli ends the watch as rejected") {
      // The last demande of the guichet is radiated: the numériseur rejects the pli.
      std::string radiated;
      for (const auto& p : plis->items) {
        auto d = agent->demande(p.numero_unique);
        if (d && d->date_radiation) radiated = p.numero_unique;
      }
      REQUIRE_FALSE(radiated.empty());
      auto up2 = agent->upload(samples::text_pdf(1), new_idempotency_key());
      REQUIRE(up2.ok());
      auto refused = agent->send_pli(
          radiated, {Contexte::ajout, {piece("attestation_pacs", "pacs.pdf", up2->upload_id)}},
          new_idempotency_key());
      REQUIRE(refused.ok());
      auto both =
          watch_plis(*agent, {sent->resume.transaction, refused->resume.transaction}, options, {});
      REQUIRE(both.ok());
      CHECK(both->outcome == WatchOutcome::rejected);
      REQUIRE(both->plis.size() == 2);
      CHECK(both->plis[1].resume.statut == StatutPli::rejet_dossier);
    }
  }

  TEST_CASE("watch: back-off while nothing changes, a timeout, an unknown pli") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    PliQuery stuck_query;
    stuck_query.statut = StatutPli::numerisation_en_cours;
    const auto stuck = list_plis(*agent, stuck_query);
    REQUIRE(stuck.ok());
    REQUIRE_FALSE(stuck->items.empty());  // seeded plis the numériseur never processes

    auto t = std::chrono::steady_clock::time_point();
    std::vector<std::chrono::milliseconds> waits;
    WatchOptions options;
    options.interval = std::chrono::milliseconds(1000);
    options.max_interval = std::chrono::milliseconds(4000);
    options.timeout = std::chrono::milliseconds(12000);
    options.clock = [&] { return t; };
    options.sleep = [&](std::chrono::milliseconds d) {
      waits.push_back(d);
      t += d;
    };
    std::size_t events = 0;
    auto watched = watch_plis(*agent, {stuck->items.front().transaction}, options,
                              [&](const WatchEvent&) { ++events; });
    REQUIRE(watched.ok());
    CHECK(watched->outcome == WatchOutcome::timeout);
    CHECK(events == 1);
    // 1 s after the first sighting, then doubling up to 4 s; the last wait ends on the deadline.
    using ms = std::chrono::milliseconds;
    CHECK(waits == std::vector<ms>{ms(1000), ms(2000), ms(4000), ms(4000), ms(1000)});
    CHECK(watched->rounds == 6);

    bool stop = false;
    options.cancelled = [&] { return stop; };
    options.sleep = [&](std::chrono::milliseconds) { stop = true; };
    auto cancelled = watch_plis(*agent, {stuck->items.front().transaction}, options, {});
    REQUIRE(cancelled.ok());
    CHECK(cancelled->outcome == WatchOutcome::cancelled);

    options.cancelled = {};
    auto unknown = watch_plis(*agent, {"zzzzzzzzzzzz"}, options, {});
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().code() == ErrorCode::not_found);
    CHECK_FALSE(watch_plis(*agent, {}, options, {}).ok());
  }
}
