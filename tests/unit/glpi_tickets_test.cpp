// The rules of tickets above any one GLPI (sne/glpi.hpp): a request completed by a pli's
// draft, a ticket created then given its files, which errors end a batch of files, the check
// of credentials, TicketType, and the JSON shapes of sne ticket --json. Against a hand-written
// fake Glpi that records its calls and fails on demand, then against the sandbox's GLPI in
// process.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "../support/fake_service.hpp"
#include "sandbox_fixture.hpp"
#include "sne/glpi.hpp"
#include "sne/sandbox.hpp"
#include "sne/service.hpp"
#include "sne/tracking.hpp"

using namespace sne;

namespace {

/// A GLPI of two categories whose calls are recorded; `attach_errors` makes attach() fail for
/// a path, `categories_error` and `close_error` make those fail.
class FakeGlpi : public Glpi {
 public:
  std::vector<std::string> calls;
  std::vector<TicketInput> created;
  std::map<std::string, Error> attach_errors;
  std::optional<Error> categories_error, close_error;

  const std::string& url() const noexcept override { return url_; }
  Result<std::vector<GlpiCategory>> categories() override {
    calls.push_back("categories");
    if (categories_error) return *categories_error;
    GlpiCategory a;
    a.id = 5;
    a.name = "Retard";
    a.completename = "SNE > Retard";
    return std::vector<GlpiCategory>{a};
  }
  Result<GlpiCategory> category(std::string_view name) override {
    calls.push_back("category " + std::string(name));
    auto all = categories();
    if (!all) return all.error();
    for (const auto& c : *all)
      if (c.name == name || c.completename == name) return c;
    return Error(ErrorCode::invalid_input, "no category", "category");
  }
  Result<std::int64_t> create_ticket(const TicketInput& input) override {
    calls.push_back("create");
    created.push_back(input);
    return std::int64_t{42};
  }
  Result<TicketList> tickets(std::size_t) override { return TicketList{}; }
  Result<TicketDetail> ticket(std::int64_t) override { return TicketDetail{}; }
  Result<std::int64_t> add_followup(std::int64_t, std::string_view) override {
    return std::int64_t{1};
  }
  Result<std::vector<FollowupResult>> add_followups(const std::vector<std::int64_t>&,
                                                    std::string_view) override {
    return std::vector<FollowupResult>{};
  }
  Result<TicketDocument> attach(std::int64_t ticket, const std::string& path) override {
    calls.push_back("attach " + std::to_string(ticket) + " " + path);
    if (auto it = attach_errors.find(path); it != attach_errors.end()) return it->second;
    TicketDocument d;
    d.id = static_cast<std::int64_t>(calls.size());
    d.name = d.filename = path.substr(path.rfind('/') + 1);
    d.mime = "application/pdf";
    return d;
  }
  Status close() override {
    calls.push_back("close");
    if (close_error) return *close_error;
    return Status();
  }

 private:
  std::string url_ = "fake";
};

/// Small files in a folder of their own, removed at the end.
struct Files {
  sne::test::TempSandbox dir{"glpi-tickets"};
  std::string make(const std::string& name, const std::string& content = "%PDF-1.4\n") {
    std::string path = dir.dir + "/" + name;
    std::ofstream(path) << content;
    return path;
  }
};

TicketDraft pli_draft(std::string category) {
  TicketDraft d;
  d.title = "Pli abc (034...) : 1 pièce refusée";
  d.body = "Numéro unique : 034...";
  d.category = std::move(category);
  return d;
}

}  // namespace

TEST_CASE("tickets: a type is named as GLPI numbers it, and read back from its name") {
  CHECK(static_cast<int>(TicketType::incident) == 1);
  CHECK(static_cast<int>(TicketType::request) == 2);
  CHECK(to_string(TicketType::incident) == "incident");
  CHECK(to_string(TicketType::request) == "request");
  CHECK(parse_ticket_type("request") == TicketType::request);
  CHECK(parse_ticket_type("incident") == TicketType::incident);
  CHECK_FALSE(parse_ticket_type("Request"));
  CHECK_FALSE(parse_ticket_type("2"));
  CHECK_FALSE(parse_ticket_type(""));
}

TEST_CASE("tickets: a request takes the draft's title, category and body where it has none") {
  TicketRequest given;
  given.pli = "abc";
  const TicketDraft draft = pli_draft(kGlpiCategoryRejected);
  auto r = complete_ticket(given, &draft);
  REQUIRE(r);
  CHECK(r->title == draft.title);
  CHECK(r->category == kGlpiCategoryRejected);
  CHECK(r->body == draft.body);  // a blank text: the draft's alone

  given.title = "Mon titre";
  given.category = "Autre";
  given.body = "Merci de vérifier";
  r = complete_ticket(given, &draft);
  REQUIRE(r);
  CHECK(r->title == "Mon titre");
  CHECK(r->category == "Autre");
  CHECK(r->body == "Merci de vérifier\n\n" + draft.body);

  given.body = " \n\t";
  r = complete_ticket(given, &draft);
  REQUIRE(r);
  CHECK(r->body == draft.body);

  // Without a draft, the request is taken as it is.
  given.body = "texte";
  r = complete_ticket(given, nullptr);
  REQUIRE(r);
  CHECK(r->body == "texte");
}

TEST_CASE("tickets: a request without a title or a category is refused, naming the field") {
  TicketRequest given;
  given.category = "Autre";
  auto r = complete_ticket(given, nullptr);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == ErrorCode::invalid_input);
  CHECK(r.error().subject() == "title");

  given.title = "t";
  given.category.clear();
  r = complete_ticket(given, nullptr);
  REQUIRE_FALSE(r);
  CHECK(r.error().subject() == "category");
  CHECK(r.error().message() == "no category");

  // A pli neither overdue nor rejected: its draft names no category, and the message says why.
  given.pli = "2qy1ggsralkr";
  const TicketDraft draft = pli_draft("");
  r = complete_ticket(given, &draft);
  REQUIRE_FALSE(r);
  CHECK(r.error().subject() == "category");
  CHECK(r.error().message().find("2qy1ggsralkr") != std::string::npos);
  CHECK(r.error().message().find("neither overdue nor rejected") != std::string::npos);
  // Library messages name what is wrong, not which flag of sne to give.
  CHECK(r.error().message().find("--") == std::string::npos);
  CHECK(r.error().message().find("sne ") == std::string::npos);
}

TEST_CASE("tickets: submit checks every file and the category before creating anything") {
  Files files;
  FakeGlpi glpi;
  TicketRequest request;
  request.title = "t";
  request.category = "Retard";
  request.attachments = {files.make("a.pdf"), files.dir.dir + "/missing.pdf"};
  auto created = submit_ticket(glpi, request);
  REQUIRE_FALSE(created);
  CHECK(created.error().subject() == files.dir.dir + "/missing.pdf");
  CHECK(glpi.calls.empty());

  request.attachments = {files.make("a.pdf")};
  request.category = "Inconnue";
  created = submit_ticket(glpi, request);
  REQUIRE_FALSE(created);
  CHECK(created.error().subject() == "category");
  CHECK(glpi.created.empty());
}

TEST_CASE("tickets: submit creates the ticket, then gives one outcome per file, none stopping") {
  Files files;
  FakeGlpi glpi;
  const std::string refused = files.make("outil.exe"), lost = files.make("lost.pdf"),
                    good = files.make("scan.pdf");
  glpi.attach_errors.emplace(refused, Error(ErrorCode::invalid_input, "outil.exe: refused"));
  glpi.attach_errors.emplace(lost, Error(ErrorCode::network, "lost.pdf: connection reset"));
  TicketRequest request;
  request.title = "Pli bloqué";
  request.body = "texte";
  request.category = "SNE > Retard";
  request.type = TicketType::request;
  request.urgency = 4;
  request.pli = "abc";
  request.attachments = {refused, lost, good};
  auto created = submit_ticket(glpi, request);
  REQUIRE(created);
  CHECK(created->id == 42);
  CHECK(created->category.id == 5);
  CHECK(created->pli == "abc");
  REQUIRE(glpi.created.size() == 1);
  CHECK(glpi.created[0].category_id == 5);
  CHECK(glpi.created[0].type == TicketType::request);
  CHECK(glpi.created[0].urgency == 4);
  CHECK(glpi.created[0].body == "texte");
  const auto& report = created->attachments;
  CHECK(report.ticket == 42);
  REQUIRE(report.files.size() == 3);
  CHECK(report.attached() == 1);
  CHECK(report.failed() == 2);
  CHECK(report.files[0].error->message() == "outil.exe: refused");
  CHECK(report.files[1].error->code() == ErrorCode::network);
  REQUIRE(report.files[2].document);
  CHECK(report.files[2].document->filename == "scan.pdf");
  CHECK(glpi.calls.back() == "attach 42 " + good);
}

TEST_CASE("tickets: which errors of attach end a batch") {
  CHECK(stops_attach_batch(Error(ErrorCode::not_found, "no ticket")));
  CHECK(stops_attach_batch(Error(ErrorCode::unauthenticated, "token")));
  CHECK(stops_attach_batch(Error(ErrorCode::network, "unreachable")));
  CHECK_FALSE(stops_attach_batch(Error(ErrorCode::invalid_input, "refused file")));
  CHECK_FALSE(stops_attach_batch(Error(ErrorCode::server, "HTTP 500")));
  CHECK_FALSE(stops_attach_batch(Error(ErrorCode::forbidden, "right missing")));
}

TEST_CASE("tickets: attach_files goes on after a refused file and stops at a lost ticket") {
  Files files;
  FakeGlpi glpi;
  const std::string a = files.make("a.pdf"), bad = files.make("b.exe"), c = files.make("c.pdf");
  glpi.attach_errors.emplace(bad, Error(ErrorCode::invalid_input, "b.exe: refused"));
  std::vector<std::string> seen;
  auto report =
      attach_files(glpi, 7, {a, bad, c}, [&](const AttachOutcome& f) { seen.push_back(f.path); });
  REQUIRE(report);
  CHECK(seen == std::vector<std::string>{a, bad, c});
  CHECK(report->attached() == 2);
  CHECK(report->failed() == 1);
  CHECK(report->files[1].error->message() == "b.exe: refused");

  // The ticket vanished at the second file: the batch ends with that error, the first file
  // attached and seen.
  FakeGlpi gone;
  gone.attach_errors.emplace(bad, Error(ErrorCode::not_found, "no ticket 7 of yours in GLPI"));
  seen.clear();
  report =
      attach_files(gone, 7, {a, bad, c}, [&](const AttachOutcome& f) { seen.push_back(f.path); });
  REQUIRE_FALSE(report);
  CHECK(report.error().code() == ErrorCode::not_found);
  CHECK(seen == std::vector<std::string>{a});
  CHECK(gone.calls.size() == 2);  // c was never sent

  // A file that cannot be read: nothing is sent.
  FakeGlpi untouched;
  report = attach_files(untouched, 7, {a, files.dir.dir + "/none.pdf"});
  REQUIRE_FALSE(report);
  CHECK(report.error().code() == ErrorCode::io);
  CHECK(report.error().message() == files.dir.dir + "/none.pdf: No such file or directory");
  CHECK(untouched.calls.empty());
}

TEST_CASE("tickets: credentials are proved by a list read and a session closed") {
  FakeGlpi ok;
  CHECK(check_glpi_credentials(ok));
  CHECK(ok.calls == std::vector<std::string>{"categories", "close"});

  FakeGlpi refused;
  refused.categories_error = Error(ErrorCode::unauthenticated, "GLPI refused", "glpi_user_token");
  auto r = check_glpi_credentials(refused);
  REQUIRE_FALSE(r);
  CHECK(r.error().subject() == "glpi_user_token");
  CHECK(refused.calls == std::vector<std::string>{"categories"});

  FakeGlpi unclosed;
  unclosed.close_error = Error(ErrorCode::network, "reset");
  r = check_glpi_credentials(unclosed);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == ErrorCode::network);
}

TEST_CASE("tickets: the JSON of categories, tickets and details keeps sne ticket's shapes") {
  GlpiCategory c;
  c.id = 6;
  c.name = "Pièce";
  c.completename = "SNE > Pièce";
  c.parent_id = 1;
  c.level = 2;
  c.request = false;
  CHECK(to_json(c).dump(-1) ==
        R"({"id":6,"name":"Pièce","completename":"SNE > Pièce","parent_id":1,"level":2,)"
        R"("helpdesk_visible":true,"incident":true,"request":false})");

  TicketDetail d;
  d.ticket.id = 3;
  d.ticket.title = "t";
  d.ticket.text = "a\nb";
  d.ticket.status = TicketStatus::solved;
  d.ticket.type = TicketType::request;
  d.ticket.category_id = 6;
  d.ticket.category = "SNE > Pièce";
  d.ticket.date = "2026-03-02 10:00:00";
  d.ticket.date_mod = "2026-03-02 11:00:00";
  CHECK(to_json(d.ticket).dump(-1) ==
        R"({"id":3,"title":"t","status":"solved","status_code":5,"status_label":"Résolu",)"
        R"("type":"request","urgency":3,)"
        R"("category_id":6,"category":"SNE > Pièce","date":"2026-03-02 10:00:00",)"
        R"("date_mod":"2026-03-02 11:00:00","text":"a\nb"})");
  d.followups.push_back({9, "2026-03-02 10:30:00", "merci", true, 4});
  d.documents.push_back({11, "scan.pdf", "scan.pdf", "application/pdf"});
  const std::string detail = to_json(d).dump(-1);
  CHECK(detail.find(R"("text":"a\nb","followups":[{"id":9,"date":"2026-03-02 10:30:00",)"
                    R"("text":"merci","is_private":true,"user_id":4}],"documents":[{"id":11,)"
                    R"("name":"scan.pdf","filename":"scan.pdf","mime":"application/pdf"}]})") !=
        std::string::npos);
}

TEST_CASE("tickets: the JSON of follow-ups, attach reports and created tickets") {
  CHECK(to_json(FollowupResult{3, 7, {}}).dump(-1) == R"({"ticket":3,"followup":7})");
  CHECK(to_json(FollowupResult{4, 0, "refused by GLPI"}).dump(-1) ==
        R"({"ticket":4,"followup":null,"error":"refused by GLPI"})");

  AttachReport report;
  report.ticket = 42;
  AttachOutcome ok;
  ok.path = "/tmp/scan.pdf";
  ok.document = TicketDocument{11, "scan.pdf", "scan.pdf", "application/pdf"};
  AttachOutcome bad;
  bad.path = "/tmp/x.exe";
  bad.error = Error(ErrorCode::invalid_input, "x.exe: GLPI refused the file");
  report.files = {bad, ok};
  CHECK(to_json(report).dump(-1) ==
        R"({"ticket":42,"attachments":[{"id":11,"name":"scan.pdf","filename":"scan.pdf",)"
        R"("mime":"application/pdf"}],"failed":[{"file":"/tmp/x.exe",)"
        R"("error":"x.exe: GLPI refused the file"}]})");

  CreatedTicket t;
  t.id = 42;
  t.title = "t";
  t.category.id = 5;
  t.category.completename = "SNE > Retard";
  CHECK(to_json(t).dump(-1) ==
        R"({"id":42,"title":"t","category":"SNE > Retard","category_id":5,"pli":null,)"
        R"("attachments":[],"failed":[]})");
  t.pli = "abc";
  CHECK(to_json(t).dump(-1).find(R"("pli":"abc")") != std::string::npos);
}

TEST_CASE("tickets: submitted to the sandbox's GLPI in process, a refused file and a good one") {
  sne::test::TempSandbox sandbox("glpi-submit");
  Files files;
  auto glpi = sne::test::open_sandbox_glpi(sandbox);
  REQUIRE(glpi);
  CHECK(check_glpi_credentials(**glpi));

  TicketRequest request;
  request.title = "Pli bloqué";
  request.body = "Bonjour";
  request.category = "toute autre QUESTION fonctionnelle";
  request.type = TicketType::request;
  request.attachments = {files.make("outil.exe", "MZ"), files.make("scan.pdf")};
  auto created = submit_ticket(**glpi, request);
  REQUIRE(created);
  CHECK(created->attachments.failed() == 1);
  CHECK(created->attachments.attached() == 1);
  CHECK(created->attachments.files[0].error->message().find("outil.exe") != std::string::npos);

  auto detail = (*glpi)->ticket(created->id);
  REQUIRE(detail);
  CHECK(detail->ticket.type == TicketType::request);
  CHECK(detail->ticket.title == "Pli bloqué");
  REQUIRE(detail->documents.size() == 1);
  CHECK(detail->documents[0].filename == "scan.pdf");

  // A name GLPI does not know: the library's message names no command of sne.
  request.category = "Réclamation";
  auto unknown = submit_ticket(**glpi, request);
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().subject() == "category");
  CHECK(unknown.error().message().find("sne ") == std::string::npos);

  auto gone = attach_files(**glpi, 999999, {files.make("late.pdf")});
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code() == ErrorCode::not_found);
  CHECK((*glpi)->close());
}

TEST_CASE("tickets: a draft about a pli is made from the service's pli, on its clock") {
  sne::test::TempSandbox sandbox("glpi-draft");
  Paths paths;
  paths.data_dir = sandbox.dir;
  ServiceOptions options;
  options.endpoint = "sandbox:" + sandbox.db;
  auto service = open_service(options, paths);
  REQUIRE(service);
  auto session = (*service)->login(kSandboxAgent, kSandboxPassword);
  REQUIRE(session);
  (*service)->set_token(session->token);
  PliQuery query;
  query.statut = StatutPli::rejet_pieces;
  auto rejected = list_plis(**service, query);
  REQUIRE(rejected);
  REQUIRE_FALSE(rejected->items.empty());
  const std::string tx = rejected->items.front().transaction;
  auto draft = ticket_from_pli(**service, tx);
  REQUIRE(draft);
  CHECK(draft->category == kGlpiCategoryRejected);
  CHECK(draft->title.find(tx) != std::string::npos);
  CHECK(draft->body.find(rejected->items.front().numero_unique) != std::string::npos);

  auto unknown = ticket_from_pli(**service, "nosuchpli0000");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code() == ErrorCode::not_found);
}

TEST_CASE("ticket_from_pli judges the pli's deadline on the service's clock, not this machine's") {
  sne::testing::FakeService s;
  // Sent on Monday 4 March 2024 at 10:00 in Paris: due two jours ouvrés later. This machine's
  // clock is years past that; only the service's clock can find the pli on time.
  const std::string tx = s.add_pli("0340523004101G3401", *parse_timestamp("2024-03-04T09:00:00Z"));
  s.now = *parse_timestamp("2024-03-05T09:00:00Z");
  auto on_time = ticket_from_pli(s, tx);
  REQUIRE(on_time);
  CHECK(on_time->category != kGlpiCategoryDelay);
  CHECK(on_time->title.find("après le délai") == std::string::npos);

  s.now = *parse_timestamp("2024-03-12T09:00:00Z");
  auto late = ticket_from_pli(s, tx);
  REQUIRE(late);
  CHECK(late->category == kGlpiCategoryDelay);
  CHECK(late->title.find("après le délai") != std::string::npos);
  CHECK(s.count("pli") == 2);
}

TEST_CASE("tickets: follow-up calls on a Glpi that is not libsne's client are an internal error") {
  FakeGlpi fake;
  CHECK(ticket_summary(fake, 1).error().code() == ErrorCode::internal);
  CHECK(find_tickets(fake, TicketFilter(), 0).error().code() == ErrorCode::internal);
  CHECK(close_ticket(fake, 1, "x").error().code() == ErrorCode::internal);
  CHECK(check_pli_duplicate(fake, "abc").error().code() == ErrorCode::internal);
}
