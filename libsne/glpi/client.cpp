// The GLPI client: sne::Glpi over one Session (session.cpp), GLPI's itemtypes read as sne's
// records (rows.cpp): categories, tickets, follow-ups; documents in documents.cpp.
#include "glpi/client.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "glpi/documents.hpp"
#include "glpi/errors.hpp"
#include "glpi/html.hpp"
#include "glpi/rows.hpp"
#include "glpi/session.hpp"
#include "sne/glpi.hpp"
#include "sne/text.hpp"

namespace sne {

namespace glpi {

namespace {

using nlohmann::json;

class Client final : public Glpi, public FollowUp {
 public:
  Client(std::string url, std::string prefix, std::unique_ptr<http::Transport> transport,
         GlpiOptions options)
      : session_(std::move(url), std::move(prefix), std::move(transport), std::move(options)) {}

  ~Client() override { (void)session_.kill(); }

  const std::string& url() const noexcept override { return session_.url(); }
  std::uint64_t max_attachment() const noexcept override {
    return session_.options().max_attachment;
  }

  Result<std::vector<GlpiCategory>> categories() override {
    if (categories_) return *categories_;
    auto rows = session_.list("/ITILCategory/", 0, nullptr);
    if (!rows) return rows.error();
    std::vector<GlpiCategory> out;
    for (const json& row : *rows)
      if (row.is_object()) out.push_back(category_of(row));
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.completename < b.completename; });
    categories_ = out;
    return out;
  }

  Result<GlpiCategory> category(std::string_view name) override {
    auto all = categories();
    if (!all) return all.error();
    const std::string wanted = fold_name(name);
    if (wanted.empty())
      return Error(ErrorCode::invalid_input, i18n::format(N_("the category name is empty")),
                   "category");
    for (const auto& c : *all)
      if (fold_name(c.completename) == wanted) return c;
    std::vector<const GlpiCategory*> by_name;
    for (const auto& c : *all)
      if (fold_name(c.name) == wanted) by_name.push_back(&c);
    if (by_name.size() == 1) return *by_name.front();
    if (by_name.size() > 1) {
      std::vector<std::string> names;
      names.reserve(by_name.size());
      for (const auto* c : by_name) names.push_back("'" + c->completename + "'");
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("category '{}' is ambiguous: {}; give the complete name"),
                                printable(name, 80), fmt::join(names, ", ")),
                   "category");
    }
    // Suggest the categories whose name contains the words given.
    std::vector<std::string> close;
    for (const auto& c : *all)
      if (fold_name(c.completename).find(wanted) != std::string::npos ||
          wanted.find(fold_name(c.name)) != std::string::npos)
        close.push_back("'" + c.completename + "'");
    return Error(ErrorCode::invalid_input,
                 close.empty() ? i18n::format(N_("no category '{}' in GLPI"), printable(name, 80))
                               : i18n::format(N_("no category '{}' in GLPI; did you mean {}?"),
                                              printable(name, 80), fmt::join(close, ", ")),
                 "category");
  }

  Result<std::int64_t> create_ticket(const TicketInput& input) override {
    if (auto ok = check_text(input.title, "title", 255); !ok) return ok.error();
    if (input.urgency < 1 || input.urgency > 5)
      return Error(ErrorCode::invalid_input, i18n::format(N_("urgency must be 1 to 5")), "urgency");
    json fields = {{"name", input.title},
                   {"content", text_to_html(input.body)},
                   {"type", static_cast<int>(input.type)},
                   {"urgency", input.urgency}};
    if (input.category_id > 0) fields["itilcategories_id"] = input.category_id;
    auto answer = session_.call_json("POST", "/Ticket/", json{{"input", fields}});
    if (!answer) return answer.error();
    return created_id(*answer, "ticket");
  }

  Result<TicketList> tickets(std::size_t max) override {
    auto cats = category_names();
    if (!cats) return cats.error();
    std::size_t total = 0;
    auto rows = session_.list("/Ticket/", max, &total, "&sort=date_mod&order=DESC");
    if (!rows) return rows.error();
    TicketList out;
    out.total = total;
    for (const json& row : *rows)
      if (row.is_object()) out.items.push_back(ticket_of(row, *cats));
    return out;
  }

  Result<TicketDetail> ticket(std::int64_t id) override {
    auto cats = category_names();
    if (!cats) return cats.error();
    TicketDetail d;
    auto row = get_ticket(id);
    if (!row) return row.error();
    d.ticket = ticket_of(*row, *cats);
    auto followups = session_.list(fmt::format("/Ticket/{}/ITILFollowup/", id), 0, nullptr);
    if (!followups) return followups.error();
    for (const json& f : *followups)
      if (f.is_object()) d.followups.push_back(followup_of(f));
    std::stable_sort(d.followups.begin(), d.followups.end(),
                     [](const auto& a, const auto& b) { return a.date < b.date; });
    auto links = session_.list(fmt::format("/Ticket/{}/Document_Item/", id), 0, nullptr);
    if (!links) return links.error();
    for (const json& link : *links) {
      if (!link.is_object()) continue;
      const auto doc_id = loose_int(link.value("documents_id", json()));
      if (doc_id <= 0) continue;
      auto doc = session_.call_json("GET", fmt::format("/Document/{}", doc_id), nullptr);
      if (!doc) return doc.error();
      TicketDocument t;
      t.id = doc_id;
      if (doc->is_object()) {
        t.name = loose_string(*doc, "name");
        t.filename = loose_string(*doc, "filename");
        t.mime = loose_string(*doc, "mime");
      }
      d.documents.push_back(std::move(t));
    }
    return d;
  }

  Result<std::int64_t> add_followup(std::int64_t ticket, std::string_view text) override {
    if (auto ok = check_body(text); !ok) return ok.error();
    if (auto exists = get_ticket(ticket); !exists) return exists.error();
    auto answer =
        session_.call_json("POST", "/ITILFollowup/", json{{"input", followup(ticket, text)}});
    if (!answer) return answer.error();
    return created_id(*answer, "follow-up");
  }

  Result<std::vector<FollowupResult>> add_followups(const std::vector<std::int64_t>& tickets,
                                                    std::string_view text) override {
    if (tickets.empty()) return std::vector<FollowupResult>();
    if (auto ok = check_body(text); !ok) return ok.error();
    json inputs = json::array();
    for (auto t : tickets) inputs.push_back(followup(t, text));
    auto response = session_.send("POST", "/ITILFollowup/", json{{"input", inputs}});
    if (!response) return response.error();
    // 201: one {id, message} per input, in order. 207 ERROR_GLPI_PARTIAL_ADD: the same list
    // as the second member of the error array. 400 ERROR_GLPI_ADD: all of them failed.
    json doc;
    if (auto ok = session_.parse_body(*response, doc); !ok) return ok.error();
    const json* results = &doc;
    if (response->status == 207) {
      if (!doc.is_array() || doc.size() != 2 || !doc[1].is_array())
        return session_.unexpected(*response,
                                   i18n::format(N_("a partial add without its list of results")));
      results = &doc[1];
    } else if (response->status >= 300) {
      return session_.error_of(*response, doc);
    }
    if (!results->is_array() || results->size() != tickets.size())
      return session_.unexpected(*response, i18n::format(N_("not {} results"), tickets.size()));
    std::vector<FollowupResult> out;
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      const json& r = (*results)[i];
      FollowupResult fr;
      fr.ticket = tickets[i];
      if (r.is_object()) {
        fr.id = loose_int(r.value("id", json()));
        fr.message = clean_message(loose_string(r, "message"));
      }
      if (fr.id <= 0 && fr.message.empty()) fr.message = i18n::format(N_("refused by GLPI"));
      out.push_back(std::move(fr));
    }
    return out;
  }

  Result<TicketDocument> attach(std::int64_t ticket, const std::string& path) override {
    if (auto ok = check_glpi_attachment(path, session_.options().max_attachment); !ok)
      return ok.error();
    if (auto exists = get_ticket(ticket); !exists) return exists.error();
    return upload_document(session_, ticket, path);
  }

  Result<Ticket> ticket_summary(std::int64_t id) override {
    auto cats = category_names();
    if (!cats) return cats.error();
    auto row = get_ticket(id);
    if (!row) return row.error();
    return ticket_of(*row, *cats);
  }

  Result<TicketList> search_tickets(const GlpiSearch& search) override {
    auto response = session_.send("GET", "/search/Ticket?" + glpi_search_query(search), nullptr);
    if (!response) return response.error();
    json doc;
    if (auto ok = session_.parse_body(*response, doc); !ok) return ok.error();
    // 200 or 206 (a page of more): the same body. A page beyond the end is a refusal.
    if (response->status >= 300) return session_.error_of(*response, doc);
    if (!doc.is_object() || !doc.contains("totalcount"))
      return session_.unexpected(*response, i18n::format(N_("a search answer without totalcount")));
    TicketList out;
    out.total = static_cast<std::size_t>(std::max<std::int64_t>(0, loose_int(doc["totalcount"])));
    // No "data" at all when nothing is found.
    const auto data = doc.find("data");
    if (data == doc.end()) return out;
    if (!data->is_array() && !data->is_object())
      return session_.unexpected(*response, i18n::format(N_("search data that is not a list")));
    for (const json& row : *data)
      if (row.is_object())
        if (auto t = ticket_of_search(row); t.id > 0) out.items.push_back(std::move(t));
    return out;
  }

  Result<std::int64_t> add_solution(std::int64_t ticket, std::string_view text) override {
    if (auto ok = check_body(text); !ok) return ok.error();
    if (auto exists = get_ticket(ticket); !exists) return exists.error();
    const json input = {
        {"itemtype", "Ticket"}, {"items_id", ticket}, {"content", text_to_html(text)}};
    auto answer = session_.call_json("POST", "/ITILSolution/", json{{"input", input}});
    if (!answer) return answer.error();
    return created_id(*answer, "solution");
  }

  Result<std::int64_t> approve_solution(std::int64_t ticket, std::string_view text) override {
    if (auto exists = get_ticket(ticket); !exists) return exists.error();
    json input = {{"itemtype", "Ticket"}, {"items_id", ticket}, {"add_close", 1}};
    // Without content GLPI writes its own "Solution approved".
    if (text.find_first_not_of(" \t\r\n") != std::string_view::npos)
      input["content"] = text_to_html(text);
    auto answer = session_.call_json("POST", "/ITILFollowup/", json{{"input", input}});
    if (!answer) return answer.error();
    return created_id(*answer, "follow-up");
  }

  Status close() override { return session_.kill(); }

 private:
  /// The ticket's title: `what` names it in the subject, the messages say "title".
  static Status check_text(std::string_view text, std::string_view what, std::size_t max) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return Error(ErrorCode::invalid_input, i18n::format(N_("the title is empty")),
                   std::string(what));
    if (text.size() > max)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("the title is longer than {} bytes"), max), std::string(what));
    for (char c : text)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f')
        return Error(ErrorCode::invalid_input,
                     i18n::format(N_("the title holds a control character")), std::string(what));
    return Status();
  }

  static Status check_body(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return Error(ErrorCode::invalid_input, i18n::format(N_("the text is empty")), "body");
    if (text.size() > (std::size_t{1} << 20))
      return Error(ErrorCode::invalid_input, i18n::format(N_("the text is larger than 1 MiB")),
                   "body");
    return Status();
  }

  static json followup(std::int64_t ticket, std::string_view text) {
    return {{"itemtype", "Ticket"},
            {"items_id", ticket},
            {"content", text_to_html(text)},
            {"is_private", 0}};
  }

  Result<json> get_ticket(std::int64_t id) {
    if (id <= 0)
      return Error(ErrorCode::invalid_input, i18n::format(N_("a ticket id is a positive number")),
                   "id");
    auto row = session_.call_json("GET", fmt::format("/Ticket/{}", id), nullptr);
    if (!row) {
      if (row.error().code() == ErrorCode::not_found || row.error().code() == ErrorCode::forbidden)
        return Error(ErrorCode::not_found, i18n::format(N_("no ticket {} of yours in GLPI"), id),
                     "id")
            .with_http(row.error().http_status())
            .with_remote_code(row.error().remote_code());
      return row.error();
    }
    if (!row->is_object())
      return Error(ErrorCode::server,
                   i18n::format(N_("GLPI answered a ticket that is not an object")));
    return row;
  }

  Result<std::map<std::int64_t, std::string>> category_names() {
    auto all = categories();
    if (!all) return all.error();
    std::map<std::int64_t, std::string> out;
    for (const auto& c : *all) out.emplace(c.id, c.completename);
    return out;
  }

  static Result<std::int64_t> created_id(const json& answer, std::string_view what) {
    const std::int64_t id = answer.is_object() ? loose_int(answer.value("id", json())) : 0;
    if (id <= 0)
      return Error(ErrorCode::server,
                   what == "ticket" ? i18n::format(N_("GLPI created a ticket but gave no id"))
                   : what == "solution"
                       ? i18n::format(N_("GLPI created a solution but gave no id"))
                       : i18n::format(N_("GLPI created a follow-up but gave no id")));
    return id;
  }

  Session session_;
  std::optional<std::vector<GlpiCategory>> categories_;
};

}  // namespace

std::unique_ptr<Glpi> make_client(std::string url, std::string prefix,
                                  std::unique_ptr<http::Transport> transport, GlpiOptions options) {
  return std::make_unique<Client>(std::move(url), std::move(prefix), std::move(transport),
                                  std::move(options));
}

}  // namespace glpi

}  // namespace sne
