// The GLPI client's rules, against scripted answers in GLPI's own shapes, and its text helpers.
#include <doctest/doctest.h>

#include <cstdio>
#include <deque>
#include <fstream>
#include <functional>
#include <string>

#include "../support/scripted_glpi.hpp"
#include "glpi/html.hpp"
#include "sne/glpi.hpp"

using namespace sne;

namespace {

using testing::json_answer;
using testing::reply;
using testing::Script;
using testing::scripted_glpi;

auto session(const std::string& token) {
  return [=](const http::Request& r) {
    CHECK(r.target == "/apirest.php/initSession");
    return json_answer(200, R"({"session_token":")" + token + R"("})");
  };
}

std::string header_of(const http::Request& r, std::string_view name) {
  return http::header(r.headers, name).value_or("");
}

const char* kCategories =
    R"([{"id":1,"name":"SNE","completename":"SNE","itilcategories_id":0,"level":1},
        {"id":2,"name":"Pièce justificative refusée","completename":"SNE > Pièces > Pièce justificative refusée","itilcategories_id":1,"level":3},
        {"id":3,"name":"Autre","completename":"SNE > Autre","itilcategories_id":1,"level":2},
        {"id":4,"name":"Autre","completename":"SNE > Pièces > Autre","itilcategories_id":1,"level":3}])";

}  // namespace

TEST_CASE("glpi: every call carries the App-Token and the session, and the session is closed") {
  Script s;
  s.answers = {session("S1"), reply(200, kCategories), reply(200, "true")};
  {
    auto g = scripted_glpi(s);
    auto cats = g->categories();
    REQUIRE(cats);
    CHECK(cats->size() == 4);
    CHECK(g->close());
  }
  REQUIRE(s.seen.size() == 3);
  CHECK(header_of(s.seen[0], "Authorization") == "user_token user-secret-5678");
  for (const auto& r : s.seen) {
    CHECK(header_of(r, "App-Token") == "app-secret-1234");
    CHECK(header_of(r, "X-GLPI-Sanitized-Content") == "false");
  }
  CHECK(header_of(s.seen[1], "Session-Token") == "S1");
  CHECK(s.seen[1].target.find("range=0-199") != std::string::npos);
  CHECK(s.seen[2].target == "/apirest.php/killSession");
  CHECK(header_of(s.seen[2], "Session-Token") == "S1");
}

TEST_CASE("glpi: the destructor closes a session left open") {
  Script s;
  s.answers = {session("S1"), reply(200, kCategories), reply(200, "true")};
  { CHECK(scripted_glpi(s)->categories()); }
  REQUIRE(s.seen.size() == 3);
  CHECK(s.seen[2].target == "/apirest.php/killSession");
}

TEST_CASE("glpi: an expired session is opened again once, not twice") {
  const std::string invalid = R"(["ERROR_SESSION_TOKEN_INVALID","session_token semble incorrect"])";
  Script s;
  s.answers = {session("S1"),
               reply(200, kCategories),
               reply(401, invalid),
               session("S2"),
               reply(200, R"({"id":9,"name":"x","status":1})"),
               reply(200, "[]"),
               reply(200, "[]")};
  auto g = scripted_glpi(s);
  REQUIRE(g->categories());
  auto t = g->ticket(9);
  REQUIRE(t);
  CHECK(t->ticket.id == 9);
  CHECK(header_of(s.seen[4], "Session-Token") == "S2");

  // A fresh session refused at once is not retried again.
  Script s2;
  s2.answers = {session("S1"), reply(401, invalid)};
  auto g2 = scripted_glpi(s2);
  auto cats = g2->categories();
  REQUIRE_FALSE(cats);
  CHECK(cats.error().code() == ErrorCode::unauthenticated);
  CHECK(cats.error().remote_code() == "ERROR_SESSION_TOKEN_INVALID");
  CHECK(s2.seen.size() == 2);
}

TEST_CASE("glpi: refused credentials are authentication errors carrying GLPI's code, no secret") {
  for (const char* code : {"ERROR_WRONG_APP_TOKEN_PARAMETER", "ERROR_GLPI_LOGIN_USER_TOKEN",
                           "ERROR_APP_TOKEN_PARAMETERS_MISSING"}) {
    Script s;
    const int status = std::string(code).find("USER") != std::string::npos ? 401 : 400;
    // A server that echoes the token: it must not reach the message.
    s.answers = {reply(status, std::string("[\"") + code +
                                   "\",\"parameter app-secret-1234 seems invalid; view "
                                   "documentation in your browser at https://glpi.test/#x\"]")};
    auto g = scripted_glpi(s);
    auto cats = g->categories();
    REQUIRE_FALSE(cats);
    CAPTURE(code);
    CHECK(cats.error().code() == ErrorCode::unauthenticated);
    CHECK(cats.error().remote_code() == code);
    CHECK(cats.error().http_status() == status);
    CHECK(cats.error().message().find("app-secret-1234") == std::string::npos);
    CHECK(cats.error().message().find("documentation") == std::string::npos);
  }
}

TEST_CASE("glpi: lists follow Content-Range across 206 and 200 pages") {
  std::string page1 = "[", page2 = "[";
  for (int i = 0; i < 200; ++i)
    page1 += std::string(i ? "," : "") + R"({"id":)" + std::to_string(i + 1) + "}";
  for (int i = 200; i < 250; ++i)
    page2 += std::string(i > 200 ? "," : "") + R"({"id":)" + std::to_string(i + 1) + "}";
  page1 += "]";
  page2 += "]";
  Script s;
  s.answers = {session("S1"), reply(200, "[]"), reply(206, page1, {{"Content-Range", "0-199/250"}}),
               reply(200, page2, {{"Content-Range", "200-249/250"}})};
  auto g = scripted_glpi(s);
  auto list = g->tickets(0);
  REQUIRE(list);
  CHECK(list->items.size() == 250);
  CHECK(list->total == 250);
  CHECK(list->items.back().id == 250);
  CHECK(s.seen[3].target.find("range=200-399") != std::string::npos);
  CHECK(s.seen[2].target.find("sort=date_mod&order=DESC") != std::string::npos);

  // At most `max`: one page of 5, and the total announced.
  Script s2;
  s2.answers = {session("S1"), reply(200, "[]"),
                reply(206, R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5}])",
                      {{"Content-Range", "0-4/73"}})};
  auto g2 = scripted_glpi(s2);
  auto few = g2->tickets(5);
  REQUIRE(few);
  CHECK(few->items.size() == 5);
  CHECK(few->total == 73);
  CHECK(s2.seen[2].target.find("range=0-4") != std::string::npos);
}

TEST_CASE("glpi: an HTML page instead of JSON is named as such") {
  Script s;
  s.answers = {[](const http::Request&) {
    http::Response r;
    r.status = 200;
    r.headers = {{"Content-Type", "text/html"}};
    r.body = "<!DOCTYPE html><html><body>GLPI - Authentification</body></html>";
    return r;
  }};
  auto g = scripted_glpi(s);
  auto cats = g->categories();
  REQUIRE_FALSE(cats);
  CHECK(cats.error().code() == ErrorCode::server);
  CHECK(cats.error().subject() == "glpi_url");
  CHECK(cats.error().message().find("HTML") != std::string::npos);
}

TEST_CASE("glpi: categories resolve by complete name or name, ignoring case; ambiguity is named") {
  Script s;
  s.answers = {session("S1"), reply(200, kCategories)};
  auto g = scripted_glpi(s);
  auto c = g->category("pièce JUSTIFICATIVE  refusée");
  REQUIRE(c);
  CHECK(c->id == 2);
  auto full = g->category("sne > pièces > autre");
  REQUIRE(full);
  CHECK(full->id == 4);
  auto ambiguous = g->category("AUTRE");
  REQUIRE_FALSE(ambiguous);
  CHECK(ambiguous.error().code() == ErrorCode::invalid_input);
  CHECK(ambiguous.error().message().find("SNE > Autre") != std::string::npos);
  CHECK(ambiguous.error().message().find("SNE > Pièces > Autre") != std::string::npos);
  auto unknown = g->category("Réclamation");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code() == ErrorCode::invalid_input);
  CHECK(unknown.error().subject() == "category");
  CHECK(s.seen.size() == 2);  // the list is read once
}

TEST_CASE("glpi: a ticket's text is escaped into HTML; its id comes from a 201") {
  Script s;
  s.answers = {
      session("S1"), [](const http::Request& r) {
        CHECK(r.method == "POST");
        CHECK(r.target == "/apirest.php/Ticket/");
        CHECK(header_of(r, "Content-Type") == "application/json");
        CHECK(r.body.find(R"("content":"<p>a &lt;b&gt; &amp; c<br>d</p>")") != std::string::npos);
        CHECK(r.body.find(R"("itilcategories_id":2)") != std::string::npos);
        return json_answer(201, R"({"id":42,"message":"Votre ticket a été ajouté"})",
                           {{"Location", "https://glpi.test/apirest.php/Ticket/42"}});
      }};
  auto g = scripted_glpi(s);
  TicketInput in;
  in.title = "Pli bloqué";
  in.body = "a <b> & c\nd";
  in.category_id = 2;
  auto id = g->create_ticket(in);
  REQUIRE(id);
  CHECK(*id == 42);
  in.title = "  ";
  auto empty = g->create_ticket(in);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().subject() == "title");
}

TEST_CASE("glpi: a 207 partial add reports each follow-up") {
  Script s;
  s.answers = {
      session("S1"),
      reply(
          207,
          R"(["ERROR_GLPI_PARTIAL_ADD",[{"id":7,"message":""},{"id":false,"message":"Vous n'avez pas les droits requis"}]])")};
  auto g = scripted_glpi(s);
  auto results = g->add_followups({3, 999}, "Le numériseur a rattrapé son retard");
  REQUIRE(results);
  REQUIRE(results->size() == 2);
  CHECK((*results)[0].id == 7);
  CHECK((*results)[1].id == 0);
  CHECK((*results)[1].ticket == 999);
  CHECK((*results)[1].message.find("droits") != std::string::npos);

  Script all;
  all.answers = {
      session("S1"),
      reply(400, R"(["ERROR_GLPI_ADD",[{"id":false,"message":"a"},{"id":false,"message":"b"}]])")};
  auto g2 = scripted_glpi(all);
  auto refused = g2->add_followups({1, 2}, "x");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().remote_code() == "ERROR_GLPI_ADD");
  CHECK(refused.error().code() == ErrorCode::invalid_input);
}

TEST_CASE("glpi: a refused upload is reported and its empty document purged") {
  const std::string path = "/tmp/sne_glpi_test_attachment.pdf";
  {
    std::ofstream f(path);
    f << "%PDF-1.4\n";
  }
  Script s;
  s.answers = {
      session("S1"), reply(200, R"({"id":5,"name":"t"})"),
      [](const http::Request& r) {
        CHECK(r.target == "/apirest.php/Document/");
        REQUIRE(r.parts.size() == 2);
        CHECK(r.parts[0].name == "uploadManifest");
        CHECK(r.parts[0].data.find(R"("_filename":["sne_glpi_test_attachment.pdf"])") !=
              std::string::npos);
        CHECK(r.parts[0].data.find(R"("items_id":5)") != std::string::npos);
        CHECK(r.parts[1].name == "filename[0]");
        CHECK(r.parts[1].filename == "sne_glpi_test_attachment.pdf");
        CHECK(r.parts[1].file == "/tmp/sne_glpi_test_attachment.pdf");
        CHECK_FALSE(http::header(r.headers, "Content-Type"));
        return json_answer(
            201,
            R"({"id":11,"message":"","upload_result":{"filename":[{"name":"sne_glpi_test_attachment.pdf","error":"Type de fichier non autorisé"}]}})");
      },
      [](const http::Request& r) {
        CHECK(r.method == "DELETE");
        CHECK(r.target == "/apirest.php/Document/11?force_purge=true");
        return json_answer(200, R"([{"11":true,"message":""}])");
      }};
  auto g = scripted_glpi(s);
  auto doc = g->attach(5, path);
  REQUIRE_FALSE(doc);
  CHECK(doc.error().code() == ErrorCode::invalid_input);
  CHECK(doc.error().message().find("non autorisé") != std::string::npos);
  CHECK(s.seen.size() == 4);

  // Too big: refused before anything is sent.
  auto small = check_glpi_attachment(path, 4);
  REQUIRE_FALSE(small);
  CHECK(small.error().subject() == path);
  CHECK_FALSE(check_glpi_attachment("/nonexistent/file.pdf"));
  CHECK_FALSE(check_glpi_attachment("/tmp"));
  (void)std::remove(path.c_str());
}

TEST_CASE("glpi: text helpers") {
  using namespace sne::glpi;
  CHECK(text_to_html("a & b\r\nc\n\nd <x>") == "<p>a &amp; b<br>c</p><p>d &lt;x&gt;</p>");
  CHECK(text_to_html("\"q\" 'a'") == "<p>&quot;q&quot; &#39;a&#39;</p>");
  CHECK(text_to_html("\n\na\rb\r\n\r\n\r\nc\n") == "<p>a<br>b</p><p>c</p>");
  // The report's escaper: control characters dropped, bytes that are not UTF-8 made U+FFFD.
  CHECK(text_to_html("x\x1b[1m\ty\xff") == "<p>x[1m\ty\uFFFD</p>");
  CHECK(decode_entities("&eacute;t&#233; &#x20AC; &amp;lt; &bogus; &#0;") ==
        "été € &lt; &bogus; \xEF\xBF\xBD");
  CHECK(html_to_text("<p>Bonjour&nbsp;!</p><p>ligne<br>suivante</p>") ==
        "Bonjour !\n\nligne\nsuivante");
  // GLPI 10 without X-GLPI-Sanitized-Content: false encodes the markup once more.
  CHECK(html_to_text("&#60;p&#62;a &#38;amp; b&#60;/p&#62;") == "a & b");
  CHECK(html_to_text("&lt;p&gt;x&lt;/p&gt;") == "x");
  CHECK(fold_name("  PIÈCE   Justificative ") == "pièce justificative");
  CHECK(fold_name("ŒUVRE Ÿ") == "œuvre ÿ");
  CHECK(fold_name("A×B") == "a×b");
}

TEST_CASE("glpi: a ticket drafted from a pli chooses its category from the pli's situation") {
  Pli pli;
  pli.resume.transaction = "urnwu2rddzqt";
  pli.resume.numero_unique = "0340819000040PWP01";
  pli.resume.guichet = "G3401";
  pli.resume.contexte = Contexte::ajout;
  pli.resume.statut = StatutPli::rejet_pieces;
  pli.pieces = {{"AVIS_IMPOSITION", "avis.pdf", 1000, PieceOutcome::rejetee, "document illisible"},
                {"PIECE_IDENTITE", "cni.jpg", 2000, PieceOutcome::acceptee, ""}};
  PliSla sla;
  sla.sent = *Date::parse("2025-04-18");
  sla.due = *Date::parse("2025-04-23");
  auto d = ticket_from_pli(pli, sla);
  CHECK(d.category == kGlpiCategoryRejected);
  CHECK(d.title.find("urnwu2rddzqt") != std::string::npos);
  CHECK(d.title.find("1 pièce refusée") != std::string::npos);
  CHECK(d.body.find("0340819000040PWP01") != std::string::npos);
  CHECK(d.body.find("avis.pdf (AVIS_IMPOSITION) : refusée : document illisible") !=
        std::string::npos);
  CHECK(d.body.find("cni.jpg (PIECE_IDENTITE) : acceptée") != std::string::npos);
  CHECK(d.body.find("2025-04-23") != std::string::npos);

  pli.resume.statut = StatutPli::numerisation_en_cours;
  pli.pieces = {};
  sla.overdue = true;
  sla.days_late = 3;
  d = ticket_from_pli(pli, sla);
  CHECK(d.category == kGlpiCategoryDelay);
  CHECK(d.title.find("3 jours ouvrés") != std::string::npos);
  CHECK(d.body.find("Retard : 3 jours ouvrés") != std::string::npos);

  pli.resume.statut = StatutPli::enregistrement_complet;
  sla.overdue = false;
  d = ticket_from_pli(pli, sla);
  CHECK(d.category.empty());
}
