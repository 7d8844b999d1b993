// Following tickets up (sne/glpi.hpp): status names and labels, GLPI search criteria encoded as
// GLPI reads them, pages of search/Ticket followed across 206 answers, the duplicate rule of a
// pli's tickets, closing, and a watch; against scripted GLPI answers, then against the sandbox's
// GLPI in process.
#include <doctest/doctest.h>

#include <string>

#include "../support/scripted_glpi.hpp"
#include "sandbox_fixture.hpp"
#include "sne/glpi.hpp"

using namespace sne;

namespace {

using testing::json_answer;
using testing::reply;
using testing::Script;
using testing::scripted_glpi;

auto session() {
  return [](const http::Request&) { return json_answer(200, R"({"session_token":"S1"})"); };
}

/// A search answer of `n` rows with ids from `first`, of `total` in all.
std::string rows(int first, int n, int total, const char* text = nullptr) {
  std::string data;
  for (int i = 0; i < n; ++i) {
    if (i > 0) data += ",";
    data += R"({"2":)" + std::to_string(first + i) + R"(,"1":"T&#60;)" + std::to_string(first + i) +
            R"(","12":)" + std::to_string(i % 6 + 1) +
            R"(,"7":"SNE > Autre","19":"2026-03-02 10:00:00")";
    if (text != nullptr) data += std::string(R"(,"21":")") + text + "\"";
    data += "}";
  }
  std::string body = R"({"totalcount":)" + std::to_string(total) + R"(,"count":)" +
                     std::to_string(n) + R"(,"sort":[19],"order":["DESC"])";
  if (n > 0) body += R"(,"data":[)" + data + "]";
  return body + "}";
}

Ticket ticket(std::int64_t id, TicketStatus status) {
  Ticket t;
  t.id = id;
  t.status = status;
  return t;
}

}  // namespace

TEST_CASE("followup: statuses are named as sne and GLPI's French interface name them") {
  CHECK(ticket_status_label(TicketStatus::incoming) == "Nouveau");
  CHECK(ticket_status_label(TicketStatus::assigned) == "En cours (attribué)");
  CHECK(ticket_status_label(TicketStatus::planned) == "En cours (planifié)");
  CHECK(ticket_status_label(TicketStatus::waiting) == "En attente");
  CHECK(ticket_status_label(TicketStatus::solved) == "Résolu");
  CHECK(ticket_status_label(TicketStatus::closed) == "Clos");
  CHECK(parse_ticket_status("solved") == TicketStatus::solved);
  CHECK(parse_ticket_status("RÉSOLU") == TicketStatus::solved);
  CHECK(parse_ticket_status("resolu") == TicketStatus::solved);
  CHECK(parse_ticket_status("en cours (attribué)") == TicketStatus::assigned);
  CHECK(parse_ticket_status("pending") == TicketStatus::waiting);
  CHECK(parse_ticket_status("6") == TicketStatus::closed);
  CHECK_FALSE(parse_ticket_status("7"));
  CHECK_FALSE(parse_ticket_status("done"));
  CHECK_FALSE(parse_ticket_status(""));
  CHECK(is_open(TicketStatus::waiting));
  CHECK_FALSE(is_open(TicketStatus::solved));
  CHECK_FALSE(is_open(TicketStatus::closed));
}

TEST_CASE("followup: criteria are encoded as GLPI's API reads them") {
  GlpiSearch s;
  s.criteria = {{"AND", TicketField::status, "equals", "notold"},
                {"OR", TicketField::content, "contains", "Transaction : a&b"}};
  s.columns = {TicketField::date, TicketField::category};
  s.start = 200;
  s.count = 100;
  CHECK(glpi_search_query(s) ==
        "criteria%5B0%5D%5Bfield%5D=12&criteria%5B0%5D%5Bsearchtype%5D=equals&"
        "criteria%5B0%5D%5Bvalue%5D=notold&criteria%5B1%5D%5Blink%5D=OR&"
        "criteria%5B1%5D%5Bfield%5D=21&criteria%5B1%5D%5Bsearchtype%5D=contains&"
        "criteria%5B1%5D%5Bvalue%5D=Transaction%20%3A%20a%26b&forcedisplay%5B0%5D=15&"
        "forcedisplay%5B1%5D=7&range=200-299&sort=19&order=DESC");
}

TEST_CASE("followup: a filter always searches on the status, and says what it got wrong") {
  TicketFilter f;
  auto all = ticket_search(f, 0);
  REQUIRE(all);
  REQUIRE(all->criteria.size() == 1);
  CHECK(all->criteria[0].field == TicketField::status);
  CHECK(all->criteria[0].value == "all");  // never GLPI's default (open tickets only)

  f.status = "open";
  f.since = "2026-03-01";
  f.pli = "urnwu2rddzqt";
  auto s = ticket_search(f, 6);
  REQUIRE(s);
  REQUIRE(s->criteria.size() == 4);
  CHECK(s->criteria[0].value == "notold");
  CHECK(s->criteria[1].field == TicketField::category);
  CHECK(s->criteria[1].searchtype == "under");
  CHECK(s->criteria[1].value == "6");
  CHECK(s->criteria[2].searchtype == "morethan");
  CHECK(s->criteria[2].value == "2026-02-28 23:59:59");  // GLPI's morethan is strict
  CHECK(s->criteria[3].value == "Transaction : urnwu2rddzqt");
  CHECK(s->columns.back() == TicketField::content);

  f = TicketFilter();
  f.status = "Résolu";
  CHECK(ticket_search(f, 0)->criteria[0].value == "5");
  f.status = "done";
  CHECK(ticket_search(f, 0).error().subject() == "status");
  f.status = "all";
  f.since = "yesterday";
  CHECK(ticket_search(f, 0).error().subject() == "since");
  f.since = "";
  f.pli = "a\nb";
  CHECK(ticket_search(f, 0).error().subject() == "pli");
}

TEST_CASE("followup: a pli is named on a line of its own; the open duplicate is the latest open") {
  Ticket t;
  t.text = "Bonjour\n\nNuméro unique : 034\nTransaction : abc12\nGuichet : G1";
  CHECK(ticket_names_pli(t, "abc12"));
  CHECK_FALSE(ticket_names_pli(t, "abc1"));
  CHECK_FALSE(ticket_names_pli(t, "bc12"));
  CHECK_FALSE(ticket_names_pli(t, ""));

  CHECK_FALSE(open_duplicate({}));
  CHECK_FALSE(open_duplicate({ticket(1, TicketStatus::solved), ticket(2, TicketStatus::closed)}));
  auto d = open_duplicate({ticket(3, TicketStatus::waiting), ticket(9, TicketStatus::closed),
                           ticket(5, TicketStatus::incoming), ticket(4, TicketStatus::assigned)});
  REQUIRE(d);
  CHECK(d->id == 5);
}

TEST_CASE("followup: search pages are followed across 206 answers to GLPI's total") {
  Script s;
  s.answers = {session(), reply(206, rows(1, 3, 7), {{"Content-Range", "0-2/7"}}),
               reply(206, rows(4, 3, 7), {{"Content-Range", "3-5/7"}}),
               reply(200, rows(7, 1, 7), {{"Content-Range", "6-6/7"}})};
  auto g = scripted_glpi(s);
  auto list = find_tickets(*g, TicketFilter(), 0, 3);
  REQUIRE(list);
  CHECK(list->total == 7);
  REQUIRE(list->items.size() == 7);
  CHECK(list->items[0].title == "T<1");  // GLPI 10's encoding decoded
  CHECK(list->items[0].category == "SNE > Autre");
  CHECK(list->items[1].status == TicketStatus::assigned);
  CHECK(list->items[6].id == 7);
  CHECK(s.seen[1].target.rfind("/apirest.php/search/Ticket?", 0) == 0);
  CHECK(s.seen[1].target.find("range=0-2") != std::string::npos);
  CHECK(s.seen[2].target.find("range=3-5") != std::string::npos);
  CHECK(s.seen[3].target.find("range=6-8") != std::string::npos);

  // At most `max`: the pages stop once enough rows are in.
  Script s2;
  s2.answers = {session(), reply(206, rows(1, 3, 7), {{"Content-Range", "0-2/7"}}),
                reply(206, rows(4, 3, 7), {{"Content-Range", "3-5/7"}})};
  auto g2 = scripted_glpi(s2);
  auto few = find_tickets(*g2, TicketFilter(), 4, 3);
  REQUIRE(few);
  CHECK(few->items.size() == 4);
  CHECK(few->total == 7);
  CHECK(s2.seen.size() == 3);

  // Nothing found: no "data" at all.
  Script s3;
  s3.answers = {session(), reply(200, rows(0, 0, 0))};
  auto g3 = scripted_glpi(s3);
  auto none = find_tickets(*g3, TicketFilter(), 0);
  REQUIRE(none);
  CHECK(none->items.empty());
  CHECK(none->total == 0);
}

TEST_CASE("followup: a pli's tickets are those whose text names it, whatever GLPI's LIKE found") {
  Script s;
  s.answers = {
      session(),
      reply(200, R"({"totalcount":2,"count":2,"data":[)"
                 R"({"2":8,"1":"a","12":2,"21":"&#60;p&#62;Transaction : abc12&#60;/p&#62;"},)"
                 R"({"2":9,"1":"b","12":1,"21":"&#60;p&#62;Transaction : abc123&#60;/p&#62;"}]})")};
  auto g = scripted_glpi(s);
  TicketFilter f;
  f.pli = "abc12";
  auto list = find_tickets(*g, f, 0);
  REQUIRE(list);
  REQUIRE(list->items.size() == 1);
  CHECK(list->items[0].id == 8);
  CHECK(list->total == 1);
}

TEST_CASE("followup: in the sandbox's GLPI, a pli's open ticket blocks a second one until closed") {
  sne::test::TempSandbox sandbox("glpi-followup");
  auto glpi = sne::test::open_sandbox_glpi(sandbox);
  REQUIRE(glpi);

  TicketRequest request;
  request.title = "Pli abc12 bloqué";
  request.body = "Bonjour\n\nTransaction : abc12";
  request.category = "SNE > Autre";
  request.pli = "abc12";
  CHECK(check_pli_duplicate(**glpi, "abc12"));
  auto first = submit_ticket(**glpi, request);
  REQUIRE(first);

  auto second = check_pli_duplicate(**glpi, "abc12");
  REQUIRE_FALSE(second);
  CHECK(second.error().code() == ErrorCode::conflict);
  CHECK(second.error().subject() == "pli");
  CHECK(second.error().message().find(std::to_string(first->id)) != std::string::npos);
  CHECK(check_pli_duplicate(**glpi, "abc1"));  // another pli

  auto forced = submit_ticket(**glpi, request);
  REQUIRE(forced);
  CHECK(forced->id != first->id);

  TicketFilter f;
  f.pli = "abc12";
  auto of_pli = find_tickets(**glpi, f, 0);
  REQUIRE(of_pli);
  CHECK(of_pli->items.size() == 2);

  // Closed, both: a new one is no duplicate.
  for (auto id : {first->id, forced->id}) {
    auto closed = close_ticket(**glpi, id, "Réglé : le pli est passé");
    REQUIRE(closed);
    CHECK(closed->ticket.status == TicketStatus::closed);
    CHECK(closed->solution > 0);
    CHECK(closed->approval > 0);
  }
  CHECK(check_pli_duplicate(**glpi, "abc12"));

  // A closed ticket cannot be closed again; a blank solution is refused before GLPI.
  auto again = close_ticket(**glpi, first->id, "encore");
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == ErrorCode::conflict);
  CHECK(close_ticket(**glpi, first->id, "  \n").error().subject() == "solution");
  CHECK(close_ticket(**glpi, 999999, "x").error().code() == ErrorCode::not_found);

  f.status = "closed";
  auto closed = find_tickets(**glpi, f, 0);
  REQUIRE(closed);
  CHECK(closed->items.size() == 2);
  CHECK((*glpi)->close());
}

TEST_CASE("followup: a watch reports the first state and each change, and ends once solved") {
  sne::test::TempSandbox sandbox("glpi-watch");
  auto glpi = sne::test::open_sandbox_glpi(sandbox);
  REQUIRE(glpi);
  TicketInput input;
  input.title = "Question";
  input.body = "Bonjour";
  auto id = (*glpi)->create_ticket(input);
  REQUIRE(id);

  // A second client solves the ticket during the second wait.
  auto other = sne::test::open_sandbox_glpi(sandbox);
  REQUIRE(other);
  WatchOptions w;
  w.interval = std::chrono::milliseconds(1000);
  w.max_interval = std::chrono::milliseconds(4000);
  std::vector<std::chrono::milliseconds> waits;
  w.sleep = [&](std::chrono::milliseconds d) {
    waits.push_back(d);
    if (waits.size() == 2) REQUIRE(add_solution(**other, *id, "fait"));
  };
  std::vector<TicketWatchEvent> events;
  auto r = watch_ticket(**glpi, *id, w, [&](const TicketWatchEvent& e) { events.push_back(e); });
  REQUIRE(r);
  CHECK(r->outcome == WatchOutcome::complete);
  CHECK(r->ticket.status == TicketStatus::solved);
  REQUIRE(events.size() == 2);
  CHECK_FALSE(events[0].previous);
  CHECK(events[1].previous == TicketStatus::incoming);
  REQUIRE(waits.size() == 2);
  CHECK(waits[0].count() == 1000);
  CHECK(waits[1].count() == 2000);  // nothing changed: the wait doubles

  // Cancelled, and an unknown ticket.
  auto cancelled = watch_ticket(**glpi, *id,
                                [] {
                                  WatchOptions c;
                                  c.cancelled = [] { return true; };
                                  return c;
                                }(),
                                {});
  REQUIRE(cancelled);
  CHECK(cancelled->outcome == WatchOutcome::cancelled);
  CHECK(watch_ticket(**glpi, 999999, w, {}).error().code() == ErrorCode::not_found);

  // A timeout while the ticket stays open.
  auto open_id = (*glpi)->create_ticket(input);
  REQUIRE(open_id);
  WatchOptions t;
  t.interval = std::chrono::milliseconds(1000);
  t.timeout = std::chrono::milliseconds(3000);
  auto now = std::chrono::steady_clock::time_point();
  t.clock = [&] { return now; };
  t.sleep = [&](std::chrono::milliseconds d) { now += d; };
  auto timed = watch_ticket(**glpi, *open_id, t, {});
  REQUIRE(timed);
  CHECK(timed->outcome == WatchOutcome::timeout);
  CHECK(timed->ticket.status == TicketStatus::incoming);
}
