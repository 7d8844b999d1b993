// The sandbox's clock, fixed or not, as the web service shows it: the dates of what is made,
// sessions, the numériseur. Run against both backends, like the rest of the suite: a running
// server sees the clock change at its next request.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "../support/samples.hpp"
#include "backend.hpp"
#include "sne/sandbox.hpp"

using conformance::Backend;
using namespace sne;
using namespace std::chrono_literals;

namespace {

Timestamp at(const char* iso) { return parse_timestamp(iso).value(); }

Timestamp system_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// The demande of the newest demo pli of the agent's guichet: it has room for a PACS.
std::string demande_of(Service& agent) {
  auto page = agent.plis({});
  REQUIRE(page.ok());
  REQUIRE_FALSE(page->items.empty());
  return page->items.front().numero_unique;
}

/// Sends one good PDF as an attestation de PACS.
Pli send_one(Service& agent, const std::string& numero) {
  auto up = agent.upload(samples::text_pdf(1), new_idempotency_key());
  REQUIRE(up.ok());
  PliPieceInput piece;
  piece.type = "attestation_pacs";
  piece.nom_fichier = "pacs.pdf";
  piece.upload_id = up->upload_id;
  auto pli = agent.send_pli(numero, {Contexte::ajout, {piece}}, new_idempotency_key());
  REQUIRE(pli.ok());
  return *pli;
}

}  // namespace

TEST_SUITE("clock") {
  TEST_CASE("a fixed clock dates what is made, and does not move by itself") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = demande_of(*agent);
    auto set = set_sandbox_clock(b.db(), at("2025-04-18T10:00:00Z"));
    REQUIRE(set.ok());
    CHECK(set->fixed);
    CHECK(set->now == at("2025-04-18T10:00:00Z"));
    CHECK(set->offset < -24h * 365);
    const Pli first = send_one(*agent, numero);
    CHECK(first.resume.date_transmission == at("2025-04-18T10:00:00Z"));
    CHECK(first.historique.front().date == at("2025-04-18T10:00:00Z"));
    std::this_thread::sleep_for(1100ms);
    const Pli second = send_one(*agent, numero);
    CHECK(second.resume.date_transmission == at("2025-04-18T10:00:00Z"));
    auto clock = sandbox_clock(b.db());
    REQUIRE(clock.ok());
    CHECK(clock->fixed);
    CHECK(clock->now == at("2025-04-18T10:00:00Z"));
  }

  TEST_CASE("advancing moves a fixed clock, which stays fixed") {
    Backend b;
    REQUIRE(set_sandbox_clock(b.db(), at("2024-02-28T23:00:00Z")).ok());
    REQUIRE(advance_sandbox_clock(b.db(), 90s).ok());
    CHECK(sandbox_clock(b.db())->now == at("2024-02-28T23:01:30Z"));
    REQUIRE(advance_sandbox(b.db(), 2h).ok());
    auto clock = sandbox_clock(b.db());
    REQUIRE(clock.ok());
    CHECK(clock->fixed);
    CHECK(clock->now == at("2024-02-29T01:01:30Z"));
    CHECK_FALSE(advance_sandbox_clock(b.db(), -1s).ok());
  }

  TEST_CASE("auto puts the clock back on the system clock, offset dropped") {
    Backend b;
    REQUIRE(advance_sandbox_clock(b.db(), 72h).ok());
    auto ahead = sandbox_clock(b.db());
    REQUIRE(ahead.ok());
    CHECK_FALSE(ahead->fixed);
    CHECK(ahead->offset == 72h);
    REQUIRE(set_sandbox_clock(b.db(), at("2025-01-01T00:00:00Z")).ok());
    auto back = auto_sandbox_clock(b.db());
    REQUIRE(back.ok());
    CHECK_FALSE(back->fixed);
    CHECK(back->offset == 0s);
    CHECK(std::chrono::abs(back->now - system_now()) <= 2s);
    // What is made from now on is dated by the system clock.
    auto agent = b.signed_in(kSandboxAgent);
    const Pli pli = send_one(*agent, demande_of(*agent));
    CHECK(std::chrono::abs(pli.resume.date_transmission - system_now()) <= 2s);
  }

  TEST_CASE("the numériseur waits as long as a fixed clock has not passed its delay") {
    Backend b;
    auto agent = b.signed_in(kSandboxAgent);
    const std::string numero = demande_of(*agent);
    REQUIRE(sandbox_numeriseur(b.db(), 1s).ok());
    REQUIRE(set_sandbox_clock(b.db(), at("2025-04-18T10:00:00Z")).ok());
    const Pli sent = send_one(*agent, numero);
    std::this_thread::sleep_for(1500ms);  // on the system clock, the delay has passed
    auto waiting = agent->pli(sent.resume.transaction);
    REQUIRE(waiting.ok());
    CHECK(waiting->resume.statut == StatutPli::numerisation_en_cours);
    CHECK(sandbox_numeriseur(b.db(), std::nullopt)->waiting == 1);
    REQUIRE(advance_sandbox_clock(b.db(), 1s).ok());
    auto done = agent->pli(sent.resume.transaction);
    REQUIRE(done.ok());
    CHECK(done->resume.statut == StatutPli::enregistrement_complet);
    CHECK(done->resume.date_statut == at("2025-04-18T10:00:01Z"));
  }

  TEST_CASE("a session opened under a clock in the past ends in the system's time") {
    Backend b;
    REQUIRE(set_sandbox_clock(b.db(), at("2025-04-18T10:00:00Z")).ok());
    auto s = b.service();
    auto session = s->login(kSandboxAgent, kSandboxPassword);
    REQUIRE(session.ok());
    // Clients compare expires_at with their own clock.
    CHECK(std::chrono::abs(session->expires_at - (system_now() + 8h)) <= 5s);
    s->set_token(session->token);
    REQUIRE(s->me().ok());
    // The sandbox counts its 8 hours on its own clock.
    REQUIRE(advance_sandbox_clock(b.db(), 9h).ok());
    auto me = s->me();
    REQUIRE_FALSE(me.ok());
    CHECK(me.error().code() == ErrorCode::unauthenticated);
  }

  TEST_CASE("a reset keeps the clock, and dates the demo data from it") {
    Backend b;
    REQUIRE(set_sandbox_clock(b.db(), at("2025-04-18T10:00:00Z")).ok());
    REQUIRE(reset_sandbox(b.db()).ok());
    auto clock = sandbox_clock(b.db());
    REQUIRE(clock.ok());
    CHECK(clock->fixed);
    CHECK(clock->now == at("2025-04-18T10:00:00Z"));
    auto page = b.signed_in(kSandboxAgent)->plis({});
    REQUIRE(page.ok());
    for (const auto& p : page->items) {
      CHECK(p.date_transmission < at("2025-04-18T10:00:00Z"));
      CHECK(p.date_transmission > at("2025-01-01T00:00:00Z"));
    }
  }

  TEST_CASE("instants the clock cannot hold are refused") {
    Backend b;
    CHECK(set_sandbox_clock(b.db(), Timestamp(-1s)).error().code() == ErrorCode::invalid_input);
    CHECK(set_sandbox_clock(b.db(), at("2200-12-31T23:59:59Z") + 1s).error().code() ==
          ErrorCode::invalid_input);
    CHECK_FALSE(sandbox_clock(b.db())->fixed);
  }
}
