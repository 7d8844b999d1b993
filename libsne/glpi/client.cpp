// The GLPI client: one session over a Transport, GLPI's answers read as GLPI's code writes
// them (see ../shared/GLPI.md): errors as [CODE, message], lists in pages of 200 or 206 with
// Content-Range, uploads that fail after creating an empty Document.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "base/json_reader.hpp"
#include "client/transport.hpp"
#include "glpi/client.hpp"
#include "glpi/html.hpp"
#include "http/message.hpp"
#include "http/retry.hpp"
#include "sne/glpi.hpp"
#include "sne/sandbox.hpp"
#include "sne/text.hpp"

namespace sne {

std::string_view to_string(TicketStatus status) noexcept {
  switch (status) {
    case TicketStatus::incoming: return "new";
    case TicketStatus::assigned: return "assigned";
    case TicketStatus::planned: return "planned";
    case TicketStatus::waiting: return "pending";
    case TicketStatus::solved: return "solved";
    case TicketStatus::closed: return "closed";
  }
  return "unknown";
}

namespace glpi {

namespace {

using nlohmann::json;

/// Rows asked per page of a list.
constexpr std::size_t kPage = 200;
/// Pages followed at most: a server that never ends its list cannot keep the client forever.
constexpr std::size_t kMaxPages = 10000;

/// How GLPI's codes read as library errors. Any refused credential, the App-Token included,
/// is unauthenticated.
struct CodeInfo {
  std::string_view glpi;
  ErrorCode code;
  std::string_view subject;
};
constexpr std::array kGlpiCodes{
    CodeInfo{"ERROR_SESSION_TOKEN_INVALID", ErrorCode::unauthenticated, "Session-Token"},
    CodeInfo{"ERROR_SESSION_TOKEN_MISSING", ErrorCode::unauthenticated, "Session-Token"},
    CodeInfo{"ERROR_APP_TOKEN_PARAMETERS_MISSING", ErrorCode::unauthenticated, "glpi_app_token"},
    CodeInfo{"ERROR_WRONG_APP_TOKEN_PARAMETER", ErrorCode::unauthenticated, "glpi_app_token"},
    CodeInfo{"ERROR_GLPI_LOGIN_USER_TOKEN", ErrorCode::unauthenticated, "glpi_user_token"},
    CodeInfo{"ERROR_GLPI_LOGIN", ErrorCode::unauthenticated, "glpi_user_token"},
    CodeInfo{"ERROR_LOGIN_PARAMETERS_MISSING", ErrorCode::unauthenticated, "glpi_user_token"},
    CodeInfo{"ERROR_NOT_ALLOWED_IP", ErrorCode::forbidden, ""},
    CodeInfo{"ERROR_RIGHT_MISSING", ErrorCode::forbidden, ""},
    CodeInfo{"ERROR_ITEM_NOT_FOUND", ErrorCode::not_found, ""},
    CodeInfo{"ERROR_SQL", ErrorCode::server, ""},
};

ErrorCode code_for_status(int status) {
  if (status == 401) return ErrorCode::unauthenticated;
  if (status == 403) return ErrorCode::forbidden;
  if (status == 404) return ErrorCode::not_found;
  if (status == 429) return ErrorCode::rate_limited;
  if (status >= 400 && status < 500) return ErrorCode::invalid_input;
  return ErrorCode::server;
}

/// GLPI's message without the documentation link it may end with.
std::string clean_message(std::string message) {
  for (std::string_view tail :
       {"; view documentation in your browser at", "; voir la documentation"})
    if (auto at = message.find(tail); at != std::string::npos) message.erase(at);
  return printable(message, 300);
}

unsigned byte(char c) { return static_cast<unsigned>(static_cast<unsigned char>(c)); }

/// Base64 of HTTP Basic credentials (RFC 7617).
std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (byte(in[i]) << 16U) | (byte(in[i + 1]) << 8U) | byte(in[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 63];
  }
  if (i < in.size()) {
    unsigned v = byte(in[i]) << 16U;
    if (i + 1 < in.size()) v |= byte(in[i + 1]) << 8U;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// An integer GLPI may write as a number or as a string of digits (older versions, MySQL
/// strings); `fallback` for null, false or "".
std::int64_t loose_int(const json& v, std::int64_t fallback = 0) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() < 19 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::stoll(s);
  }
  return fallback;
}

/// A string member as GLPI stored it (empty when absent or not a string).
std::string raw_string(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

/// A plain-text member (a name, a date): GLPI 10 may HTML-encode it, whatever was asked.
std::string loose_string(const json& obj, std::string_view key) {
  return decode_entities(raw_string(obj, key));
}

/// "0-49/73" → {0, 49, 73}.
struct ContentRange {
  std::size_t first = 0, last = 0, total = 0;
};
std::optional<ContentRange> parse_content_range(std::string_view v) {
  ContentRange r;
  std::size_t* fields[] = {&r.first, &r.last, &r.total};
  std::size_t f = 0;
  bool digit = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      if (*fields[f] > (std::size_t{1} << 40)) return std::nullopt;
      *fields[f] = *fields[f] * 10 + static_cast<std::size_t>(c - '0');
      digit = true;
    } else if ((c == '-' && f == 0) || (c == '/' && f == 1)) {
      if (!digit) return std::nullopt;
      ++f;
      digit = false;
    } else if (c != ' ') {
      return std::nullopt;
    }
  }
  if (f != 2 || !digit || r.last < r.first) return std::nullopt;
  return r;
}

std::string mime_of(std::string_view filename) {
  const auto dot = filename.rfind('.');
  const std::string ext = fold_name(dot == std::string_view::npos ? "" : filename.substr(dot + 1));
  if (ext == "pdf") return "application/pdf";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "txt" || ext == "log") return "text/plain";
  return "application/octet-stream";
}

Ticket ticket_of(const json& row, const std::map<std::int64_t, std::string>& categories) {
  Ticket t;
  t.id = loose_int(row.value("id", json()));
  t.title = loose_string(row, "name");
  t.text = html_to_text(raw_string(row, "content"));
  const auto status = loose_int(row.value("status", json()), 1);
  t.status =
      status >= 1 && status <= 6 ? static_cast<TicketStatus>(status) : TicketStatus::incoming;
  t.type = static_cast<int>(loose_int(row.value("type", json()), 1));
  t.urgency = static_cast<int>(loose_int(row.value("urgency", json()), 3));
  const json& cat = row.value("itilcategories_id", json());
  if (cat.is_string() && loose_int(cat, -1) < 0) {
    t.category = decode_entities(cat.get<std::string>());  // expanded by the server
  } else {
    t.category_id = loose_int(cat);
    if (auto it = categories.find(t.category_id); it != categories.end()) t.category = it->second;
  }
  t.date = loose_string(row, "date");
  t.date_mod = loose_string(row, "date_mod");
  return t;
}

class Client final : public Glpi {
 public:
  Client(std::string url, std::string prefix, std::unique_ptr<http::Transport> transport,
         GlpiOptions options)
      : url_(std::move(url)),
        prefix_(std::move(prefix)),
        transport_(std::move(transport)),
        options_(std::move(options)) {}

  ~Client() override { (void)kill_session(); }

  const std::string& url() const noexcept override { return url_; }

  Result<std::vector<GlpiCategory>> categories() override {
    if (categories_) return *categories_;
    auto rows = list("/ITILCategory/", 0, nullptr);
    if (!rows) return rows.error();
    std::vector<GlpiCategory> out;
    for (const json& row : *rows) {
      if (!row.is_object()) continue;
      GlpiCategory c;
      c.id = loose_int(row.value("id", json()));
      c.name = loose_string(row, "name");
      c.completename = loose_string(row, "completename");
      if (c.completename.empty()) c.completename = c.name;
      c.parent_id = loose_int(row.value("itilcategories_id", json()));
      c.level = static_cast<int>(loose_int(row.value("level", json()), 1));
      c.helpdesk_visible = loose_int(row.value("is_helpdeskvisible", json()), 1) != 0;
      c.incident = loose_int(row.value("is_incident", json()), 1) != 0;
      c.request = loose_int(row.value("is_request", json()), 1) != 0;
      out.push_back(std::move(c));
    }
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
      return Error(ErrorCode::invalid_input, "the category name is empty", "category");
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
                   fmt::format("category '{}' is ambiguous: {}; give the complete name",
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
                 close.empty() ? fmt::format("no category '{}' in GLPI ('sne ticket categories' "
                                             "lists them)",
                                             printable(name, 80))
                               : fmt::format("no category '{}' in GLPI; did you mean {}?",
                                             printable(name, 80), fmt::join(close, ", ")),
                 "category");
  }

  Result<std::int64_t> create_ticket(const TicketInput& input) override {
    if (auto ok = check_text(input.title, "title", 255); !ok) return ok.error();
    if (input.urgency < 1 || input.urgency > 5)
      return Error(ErrorCode::invalid_input, "urgency must be 1 to 5", "urgency");
    json fields = {{"name", input.title},
                   {"content", text_to_html(input.body)},
                   {"type", input.type},
                   {"urgency", input.urgency}};
    if (input.category_id > 0) fields["itilcategories_id"] = input.category_id;
    auto answer = call_json("POST", "/Ticket/", json{{"input", fields}});
    if (!answer) return answer.error();
    return created_id(*answer, "ticket");
  }

  Result<TicketList> tickets(std::size_t max) override {
    auto cats = category_names();
    if (!cats) return cats.error();
    std::size_t total = 0;
    auto rows = list("/Ticket/", max, &total, "&sort=date_mod&order=DESC");
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
    auto followups = list(fmt::format("/Ticket/{}/ITILFollowup/", id), 0, nullptr);
    if (!followups) return followups.error();
    for (const json& f : *followups) {
      if (!f.is_object()) continue;
      TicketFollowup t;
      t.id = loose_int(f.value("id", json()));
      t.date = loose_string(f, "date");
      t.text = html_to_text(raw_string(f, "content"));
      t.is_private = loose_int(f.value("is_private", json())) != 0;
      t.user_id = loose_int(f.value("users_id", json()));
      d.followups.push_back(std::move(t));
    }
    std::stable_sort(d.followups.begin(), d.followups.end(),
                     [](const auto& a, const auto& b) { return a.date < b.date; });
    auto links = list(fmt::format("/Ticket/{}/Document_Item/", id), 0, nullptr);
    if (!links) return links.error();
    for (const json& link : *links) {
      if (!link.is_object()) continue;
      const auto doc_id = loose_int(link.value("documents_id", json()));
      if (doc_id <= 0) continue;
      auto doc = call_json("GET", fmt::format("/Document/{}", doc_id), nullptr);
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
    auto answer = call_json("POST", "/ITILFollowup/", json{{"input", followup(ticket, text)}});
    if (!answer) return answer.error();
    return created_id(*answer, "follow-up");
  }

  Result<std::vector<FollowupResult>> add_followups(const std::vector<std::int64_t>& tickets,
                                                    std::string_view text) override {
    if (tickets.empty()) return std::vector<FollowupResult>();
    if (auto ok = check_body(text); !ok) return ok.error();
    json inputs = json::array();
    for (auto t : tickets) inputs.push_back(followup(t, text));
    auto response = send("POST", "/ITILFollowup/", json{{"input", inputs}});
    if (!response) return response.error();
    // 201: one {id, message} per input, in order. 207 ERROR_GLPI_PARTIAL_ADD: the same list
    // as the second member of the error array. 400 ERROR_GLPI_ADD: all of them failed.
    json doc;
    if (auto ok = parse_body(*response, doc); !ok) return ok.error();
    const json* results = &doc;
    if (response->status == 207) {
      if (!doc.is_array() || doc.size() != 2 || !doc[1].is_array())
        return unexpected(*response, "a partial add without its list of results");
      results = &doc[1];
    } else if (response->status >= 300) {
      return error_of(*response, doc);
    }
    if (!results->is_array() || results->size() != tickets.size())
      return unexpected(*response, fmt::format("not {} results", tickets.size()));
    std::vector<FollowupResult> out;
    for (std::size_t i = 0; i < tickets.size(); ++i) {
      const json& r = (*results)[i];
      FollowupResult fr;
      fr.ticket = tickets[i];
      if (r.is_object()) {
        fr.id = loose_int(r.value("id", json()));
        fr.message = clean_message(loose_string(r, "message"));
      }
      if (fr.id <= 0 && fr.message.empty()) fr.message = "refused by GLPI";
      out.push_back(std::move(fr));
    }
    return out;
  }

  Result<TicketDocument> attach(std::int64_t ticket, const std::string& path) override {
    if (auto ok = check_glpi_attachment(path, options_.max_attachment); !ok) return ok.error();
    if (auto exists = get_ticket(ticket); !exists) return exists.error();
    const auto slash = path.rfind('/');
    const std::string filename = slash == std::string::npos ? path : path.substr(slash + 1);
    const json manifest = {{"input",
                            {{"name", filename},
                             {"_filename", json::array({filename})},
                             {"itemtype", "Ticket"},
                             {"items_id", ticket}}}};
    http::Request request;
    request.method = "POST";
    request.target = prefix_ + "/Document/";
    request.parts.push_back({"uploadManifest", "", "application/json", manifest.dump(), ""});
    request.parts.push_back({"filename[0]", filename, mime_of(filename), "", path});
    auto response = exchange(std::move(request));
    if (!response)
      return response.error().code() == ErrorCode::io ? Error(response.error())
                                                      : Error(response.error()).prefixed(filename);
    json doc;
    if (auto ok = parse_body(*response, doc); !ok) return ok.error();
    if (response->status >= 300) return Error(error_of(*response, doc)).prefixed(filename);
    const std::int64_t id = doc.is_object() ? loose_int(doc.value("id", json())) : 0;
    if (id <= 0) return unexpected(*response, "an upload without the id of its document");
    // A refused file still leaves an empty Document behind: find the refusal, purge it.
    std::string refusal;
    if (doc.contains("upload_result") && doc["upload_result"].is_object())
      for (const auto& [field, files] : doc["upload_result"].items())
        if (files.is_array())
          for (const json& f : files)
            if (f.is_object() && f.contains("error") && !f["error"].is_null() &&
                !(f["error"].is_string() && f["error"].get<std::string>().empty()))
              refusal = f["error"].is_string() ? clean_message(loose_string(f, "error"))
                                               : f["error"].dump();
    if (!refusal.empty()) {
      auto purged = send("DELETE", fmt::format("/Document/{}?force_purge=true", id), nullptr);
      std::string note;
      if (!purged || purged->status >= 300)
        note = fmt::format(" (and the empty document {} it made could not be purged)", id);
      return Error(ErrorCode::invalid_input,
                   fmt::format("{}: GLPI refused the file: {}{}", filename, refusal, note), path)
          .with_http(response->status);
    }
    TicketDocument d;
    d.id = id;
    d.name = filename;
    d.filename = filename;
    d.mime = mime_of(filename);
    return d;
  }

  Status close() override { return kill_session(); }

 private:
  Status kill_session() {
    if (session_.empty()) return Status();
    http::Request request{"GET", prefix_ + "/killSession", base_headers(), {}, {}, {}};
    request.headers.emplace_back("Session-Token", session_);
    session_.clear();
    auto response = transport_->send(request);
    if (!response) return response.error();
    if (response->status >= 300) {
      json doc;
      if (auto ok = parse_body(*response, doc); !ok) return ok.error();
      return error_of(*response, doc);
    }
    return Status();
  }

  static Status check_text(std::string_view text, std::string_view what, std::size_t max) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return Error(ErrorCode::invalid_input, fmt::format("the {} is empty", what),
                   std::string(what));
    if (text.size() > max)
      return Error(ErrorCode::invalid_input,
                   fmt::format("the {} is longer than {} bytes", what, max), std::string(what));
    for (char c : text)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == '\x7f')
        return Error(ErrorCode::invalid_input,
                     fmt::format("the {} holds a control character", what), std::string(what));
    return Status();
  }

  static Status check_body(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return Error(ErrorCode::invalid_input, "the text is empty", "body");
    if (text.size() > (std::size_t{1} << 20))
      return Error(ErrorCode::invalid_input, "the text is larger than 1 MiB", "body");
    return Status();
  }

  json followup(std::int64_t ticket, std::string_view text) const {
    return {{"itemtype", "Ticket"},
            {"items_id", ticket},
            {"content", text_to_html(text)},
            {"is_private", 0}};
  }

  Result<json> get_ticket(std::int64_t id) {
    if (id <= 0) return Error(ErrorCode::invalid_input, "a ticket id is a positive number", "id");
    auto row = call_json("GET", fmt::format("/Ticket/{}", id), nullptr);
    if (!row) {
      if (row.error().code() == ErrorCode::not_found || row.error().code() == ErrorCode::forbidden)
        return Error(ErrorCode::not_found, fmt::format("no ticket {} of yours in GLPI", id), "id")
            .with_http(row.error().http_status())
            .with_remote_code(row.error().remote_code());
      return row.error();
    }
    if (!row->is_object())
      return Error(ErrorCode::server, "GLPI answered a ticket that is not an object");
    return row;
  }

  Result<std::map<std::int64_t, std::string>> category_names() {
    auto all = categories();
    if (!all) return all.error();
    std::map<std::int64_t, std::string> out;
    for (const auto& c : *all) out.emplace(c.id, c.completename);
    return out;
  }

  Result<std::int64_t> created_id(const json& answer, std::string_view what) {
    const std::int64_t id = answer.is_object() ? loose_int(answer.value("id", json())) : 0;
    if (id <= 0)
      return Error(ErrorCode::server, fmt::format("GLPI created a {} but gave no id", what));
    return id;
  }

  /// Every row of a list, page after page ("&range=" appended to `path` + `extra`); at most
  /// `max` rows (0: all). `total` receives the count GLPI announces.
  Result<std::vector<json>> list(const std::string& path, std::size_t max, std::size_t* total,
                                 std::string_view extra = {}) {
    std::vector<json> rows;
    std::size_t start = 0;
    for (std::size_t page = 0; page < kMaxPages; ++page) {
      const std::size_t want = max == 0 ? kPage : std::min(kPage, max - rows.size());
      auto response = send(
          "GET", fmt::format("{}?range={}-{}{}", path, start, start + want - 1, extra), nullptr);
      if (!response) return response.error();
      json doc;
      if (auto ok = parse_body(*response, doc); !ok) return ok.error();
      if (response->status >= 300) {
        // A list that shrank between two pages.
        if (start > 0 && doc.is_array() && !doc.empty() && doc[0] == "ERROR_RANGE_EXCEED_TOTAL")
          break;
        return error_of(*response, doc);
      }
      if (!doc.is_array()) return unexpected(*response, "a list that is not an array");
      const auto range = http::header(response->headers, "Content-Range");
      if (!range) {  // nothing found, or everything in one answer without a range
        for (auto& row : doc) rows.push_back(std::move(row));
        if (total != nullptr) *total = rows.size();
        break;
      }
      const auto parsed = parse_content_range(*range);
      if (!parsed)
        return unexpected(*response, fmt::format("Content-Range '{}'", printable(*range)));
      if (total != nullptr) *total = parsed->total;
      if (doc.empty()) break;
      for (auto& row : doc) rows.push_back(std::move(row));
      if (max != 0 && rows.size() >= max) break;
      if (parsed->last + 1 >= parsed->total || parsed->last + 1 <= start) break;
      start = parsed->last + 1;
    }
    if (max != 0 && rows.size() > max) rows.resize(max);
    return rows;
  }

  Result<json> call_json(std::string_view method, const std::string& path, const json& body) {
    auto response = send(method, path, body);
    if (!response) return response.error();
    json doc;
    if (auto ok = parse_body(*response, doc); !ok) return ok.error();
    if (response->status >= 300) return error_of(*response, doc);
    return doc;
  }

  http::Headers base_headers() const {
    http::Headers h{{"Accept", "application/json"}, {"X-GLPI-Sanitized-Content", "false"}};
    if (!options_.app_token.empty()) h.emplace_back("App-Token", options_.app_token);
    return h;
  }

  Result<http::Response> send(std::string_view method, const std::string& path, const json& body) {
    http::Request request;
    request.method = std::string(method);
    request.target = prefix_ + path;
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers.emplace_back("Content-Type", "application/json");
    }
    return exchange(std::move(request));
  }

  /// Sends with the session (opened first if needed); when GLPI says the session is no
  /// longer valid, opens a new one and sends once more.
  Result<http::Response> exchange(http::Request request) {
    for (const auto& h : base_headers()) request.headers.push_back(h);
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool fresh = session_.empty();
      if (fresh)
        if (auto opened = open_session(); !opened) return opened.error();
      http::Request sent = request;
      sent.headers.emplace_back("Session-Token", session_);
      auto response = transport_->send(sent);
      if (!response) return response.error();
      if (response->status == 401 && !fresh &&
          response->body.find("ERROR_SESSION_TOKEN_INVALID") != std::string::npos) {
        session_.clear();  // expired: GLPI's garbage collector took it
        continue;
      }
      return response;
    }
    return Error(ErrorCode::unauthenticated, "GLPI refused a session it had just opened",
                 "Session-Token");
  }

  Status open_session() {
    http::Request request{"GET", prefix_ + "/initSession", base_headers(), {}, {}, {}};
    if (!options_.user_token.empty())
      request.headers.emplace_back("Authorization", "user_token " + options_.user_token);
    else
      request.headers.emplace_back("Authorization",
                                   "Basic " + base64(options_.login + ":" + options_.password));
    auto response = transport_->send(request);
    if (!response) return response.error();
    json doc;
    if (auto ok = parse_body(*response, doc); !ok) return ok.error();
    if (response->status >= 300) return error_of(*response, doc);
    if (!doc.is_object() || !doc.contains("session_token") || !doc["session_token"].is_string() ||
        doc["session_token"].get<std::string>().empty())
      return unexpected(*response, "initSession without a session_token");
    session_ = doc["session_token"].get<std::string>();
    return Status();
  }

  /// Parses a JSON answer; an answer of another kind (the HTML page of a web server or of
  /// GLPI's own interface) is an error that says so.
  Status parse_body(const http::Response& response, json& doc) const {
    if (response.body.empty()) {
      doc = nullptr;
      if (response.status < 300) return Status();
      return error_of(response, doc);
    }
    const auto type = http::header(response.headers, "Content-Type").value_or("");
    const bool html = fold_name(type).find("html") != std::string::npos ||
                      response.body.find_first_not_of(" \t\r\n") == response.body.find('<');
    if (html || !json_reader::parse(response.body, doc))
      return Error(ErrorCode::server,
                   fmt::format("{} answered HTTP {} with {}, not JSON: is the GLPI URL the "
                               "address of apirest.php?",
                               url_, response.status, html ? "an HTML page" : "something else"),
                   "glpi_url")
          .with_http(response.status);
    return Status();
  }

  /// The Error a refusal stands for: GLPI's [CODE, message], else the HTTP status.
  Error error_of(const http::Response& response, const json& doc) const {
    std::string code_name, message;
    if (doc.is_array() && !doc.empty() && doc[0].is_string()) {
      code_name = doc[0].get<std::string>();
      if (doc.size() > 1) message = doc[1].is_string() ? doc[1].get<std::string>() : doc[1].dump();
    }
    ErrorCode code = code_for_status(response.status);
    std::string subject;
    for (const auto& info : kGlpiCodes)
      if (info.glpi == code_name) {
        code = info.code;
        subject = std::string(info.subject);
      }
    message = scrub(clean_message(decode_entities(message)));
    std::string text = code_name.empty()
                           ? fmt::format("GLPI answered HTTP {}", response.status)
                           : fmt::format("GLPI refused: {}{}({})", message,
                                         message.empty() ? "" : " ", printable(code_name, 60));
    if (code == ErrorCode::rate_limited) text = http::mention_wait(text, response.headers);
    return Error(code, text, subject).with_http(response.status).with_remote_code(code_name);
  }

  Error unexpected(const http::Response& response, std::string_view what) const {
    return Error(ErrorCode::server,
                 fmt::format("{} answered HTTP {} with {}", url_, response.status, what))
        .with_http(response.status);
  }

  /// A message with the secrets of this client blanked out, should a server echo them.
  std::string scrub(std::string text) const {
    for (const std::string* secret :
         {&options_.app_token, &options_.user_token, &options_.password, &session_})
      if (secret->size() >= 4)
        for (std::size_t at; (at = text.find(*secret)) != std::string::npos;)
          text.replace(at, secret->size(), "[redacted]");
    return text;
  }

  std::string url_;
  std::string prefix_;  ///< "/apirest.php" in process; "" over HTTP (in the base URL)
  std::unique_ptr<http::Transport> transport_;
  GlpiOptions options_;
  std::string session_;
  std::optional<std::vector<GlpiCategory>> categories_;
};

}  // namespace

std::unique_ptr<Glpi> make_client(std::string url, std::string prefix,
                                  std::unique_ptr<http::Transport> transport, GlpiOptions options) {
  return std::make_unique<Client>(std::move(url), std::move(prefix), std::move(transport),
                                  std::move(options));
}

}  // namespace glpi

namespace {

/// The endpoint of a GLPI URL, and the URL in full.
Result<std::pair<EndpointInfo, std::string>> glpi_endpoint(std::string_view url,
                                                           const Paths& paths) {
  auto endpoint = parse_endpoint(url, paths);
  if (!endpoint) return Error(endpoint.error()).prefixed("GLPI URL");
  std::string full = endpoint->canonical;
  constexpr std::string_view kApi = "/apirest.php";
  if (endpoint->kind != EndpointInfo::Kind::embedded_sandbox &&
      (full.size() < kApi.size() ||
       full.compare(full.size() - kApi.size(), kApi.size(), kApi) != 0))
    full += kApi;
  return std::pair{std::move(*endpoint), std::move(full)};
}

}  // namespace

Status check_glpi_attachment(const std::string& path, std::uint64_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Error(ErrorCode::invalid_input, fmt::format("{}: {}", path, std::strerror(errno)), path);
  if (!S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, fmt::format("{}: not a regular file", path), path);
  if (::access(path.c_str(), R_OK) != 0)
    return Error(ErrorCode::invalid_input, fmt::format("{}: {}", path, std::strerror(errno)), path);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{}: {} is over the {} an attachment may weigh", path,
                    format_size(static_cast<std::uint64_t>(st.st_size)), format_size(max_bytes)),
        path);
  return Status();
}

Result<std::string> glpi_canonical_url(std::string_view url, const Paths& paths) {
  auto e = glpi_endpoint(url, paths);
  if (!e) return e.error();
  return e->second;
}

Result<std::unique_ptr<Glpi>> open_glpi(const GlpiOptions& given, const Paths& paths) {
  GlpiOptions options = given;
  auto resolved = glpi_endpoint(options.url, paths);
  if (!resolved) return resolved.error();
  auto& [endpoint_info, url] = *resolved;
  const EndpointInfo* endpoint = &endpoint_info;
  std::string prefix;
  if (endpoint->kind == EndpointInfo::Kind::embedded_sandbox) {
    prefix = "/apirest.php";
    // The sandbox's GLPI needs no configuration: its demo agent, unless told otherwise.
    if (options.app_token.empty()) options.app_token = kSandboxGlpiAppToken;
    if (options.user_token.empty() && options.login.empty())
      options.user_token = kSandboxGlpiUserToken;
  }
  if (options.user_token.empty() && options.login.empty())
    return Error(ErrorCode::unauthenticated,
                 fmt::format("no GLPI user token, nor login, for {}", url), "glpi_user_token");
  auto transport = client::open_transport(*endpoint, client::transport_options(url, options));
  if (!transport) return transport.error();
  return glpi::make_client(url, std::move(prefix), std::move(*transport), std::move(options));
}

}  // namespace sne
