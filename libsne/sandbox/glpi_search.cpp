// GET search/Ticket: GLPI's search engine over the user's tickets, as GLPI 10's code answers it
// (glpi-project/glpi src/Api/API.php searchItems, src/Api/APIRest.php, src/Search.php
// prepareDatasForSearch and addWhere, src/Ticket.php getDefaultSearchRequest), quirks included:
// - criteria come as criteria[N][link|field|searchtype|value]; each needs field, searchtype and
//   value ("Malformed search criteria"), and a field among the search options ("Bad field ID in
//   search criteria");
// - no criteria at all means Ticket's default search, status 'notold' (solved and closed
//   tickets are left out), sorted by option 19 (last update) DESC; `order` defaults to DESC
//   even when `sort` is given (the default request fills what is missing);
// - the columns are option 2 (id, put in front for ITIL objects), 1 (name), then forcedisplay,
//   or the display preferences when there is none, then the criteria's fields and the sort's;
// - status equals also takes 'all', 'notold', 'old', 'notclosed' and 'process';
// - links are written one after the other without grouping, so SQL's precedence applies
//   (AND before OR), as in constructCriteriaSQL;
// - `data` holds one object per row keyed by option id ("2", "1", "12"...), and is absent when
//   nothing is found; the body keeps "content-range" ("0-49/73", "0--1/0" when empty);
//   Content-Range is a header only when something is found; 206 when count < totalcount;
//   a range starting beyond the total is ERROR_RANGE_EXCEED_TOTAL (400).
// The sandbox serves Ticket only; its options are those a ticket client uses.
#include <algorithm>
#include <array>
#include <map>

#include <fmt/format.h>

#include "sandbox/glpi_types.hpp"
#include "sandbox/store.hpp"

namespace sne::sandbox::glpi {

namespace {

enum class OptKind { number, text, datetime, status, category };

struct SearchOption {
  int id;
  std::string_view name;
  std::string_view sql;  ///< the stored value, over glpi_tickets
  OptKind kind;
};

constexpr std::string_view kCategoryName =
    "(SELECT completename FROM glpi_itilcategories c WHERE c.id = glpi_tickets.itilcategories_id)";

// Ticket's search options (Ticket::rawSearchOptions, CommonITILObject's), those served here.
constexpr std::array kOptions{
    SearchOption{1, "Title", "name", OptKind::text},
    SearchOption{2, "ID", "id", OptKind::number},
    SearchOption{3, "Priority", "priority", OptKind::number},
    SearchOption{7, "Category", "itilcategories_id", OptKind::category},
    SearchOption{10, "Urgency", "urgency", OptKind::number},
    SearchOption{11, "Impact", "impact", OptKind::number},
    SearchOption{12, "Status", "status", OptKind::status},
    SearchOption{14, "Type", "type", OptKind::number},
    SearchOption{15, "Opening date", "date", OptKind::datetime},
    SearchOption{19, "Last update", "date_mod", OptKind::datetime},
    SearchOption{21, "Description", "content", OptKind::text},
};

/// GLPI 10's default display preferences of Ticket (12, 19, 15, 3, 4, 5, 7), without the
/// actors (4 requester, 5 technician), which the sandbox does not model as search options.
constexpr std::array kDisplayPreferences{12, 19, 15, 3, 7};

/// The glpilist_limit of the sandbox's user: a search without range gives 15 rows.
constexpr std::int64_t kListLimit = 15;

const SearchOption* option(int id) {
  for (const auto& o : kOptions)
    if (o.id == id) return &o;
  return nullptr;
}

/// "Y-m-d H:i:s" of a stored instant, as SQL.
std::string shown_sql(const SearchOption& o) {
  switch (o.kind) {
    case OptKind::datetime:
      return fmt::format("strftime('%Y-%m-%d %H:%M:%S', {}, 'unixepoch')", o.sql);
    case OptKind::category: return std::string(kCategoryName);
    default: return std::string(o.sql);
  }
}

struct Criterion {
  std::string link = "AND";
  std::optional<std::string> field, searchtype, value;
};

/// "criteria[N][member]": N and the member; nothing for another key. A member that is not
/// one of a criterion's ("criteria[0][criteria][0][field]", nested) gives an empty member.
std::optional<std::pair<int, std::string>> criterion_key(std::string_view key) {
  constexpr std::string_view kPrefix = "criteria[";
  if (key.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  key.remove_prefix(kPrefix.size());
  const auto close = key.find(']');
  if (close == 0 || close == std::string_view::npos || close > 6 ||
      key.substr(0, close).find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  const int index = std::stoi(std::string(key.substr(0, close)));
  key.remove_prefix(close + 1);
  std::string member;
  if (key.size() > 2 && key.front() == '[' && key.back() == ']' && key.find(']') == key.size() - 1)
    member = std::string(key.substr(1, key.size() - 2));
  if (member != "link" && member != "field" && member != "searchtype" && member != "value")
    member.clear();
  return std::pair{index, member};
}

/// The criteria of the query string, criteria[N][key] kept whole by parse_query, in N's order.
std::vector<Criterion> read_criteria(const Call& call) {
  std::map<int, Criterion> by_index;
  for (const auto& [key, value] : call.params.items()) {
    const auto at = criterion_key(key);
    if (!at) continue;
    Criterion& c = by_index[at->first];  // an unknown member only: malformed below
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (value.is_boolean()) text = value.get<bool>() ? "1" : "";
    if (at->second == "link") c.link = text;
    if (at->second == "field") c.field = text;
    if (at->second == "searchtype") c.searchtype = text;
    if (at->second == "value") c.value = text;
  }
  std::vector<Criterion> out;
  out.reserve(by_index.size());
  for (auto& [index, c] : by_index) out.push_back(std::move(c));
  return out;
}

/// forcedisplay[N]=ID, or forcedisplay=ID (intval'd, as API::searchItems does).
std::vector<int> read_forcedisplay(const Call& call) {
  std::vector<int> out;
  for (const auto& [key, value] : call.params.items()) {
    if (key != "forcedisplay" && key.rfind("forcedisplay[", 0) != 0) continue;
    const auto n = as_int(value);
    if (n && std::find(out.begin(), out.end(), static_cast<int>(*n)) == out.end())
      out.push_back(static_cast<int>(*n));
  }
  return out;
}

/// The statuses of a status value of Search::addWhere; empty: no condition ('all', unknown).
std::vector<int> statuses_of(const std::string& value) {
  if (value == "notold") return {1, 2, 3, 4};
  if (value == "old") return {5, 6};
  if (value == "notclosed") return {1, 2, 3, 4, 5};
  if (value == "process") return {2, 3};
  if (const auto n = as_int(json(value)); n && *n >= 1 && *n <= 6) return {static_cast<int>(*n)};
  return {};
}

/// A LIKE pattern of Search::makeTextSearch: contains, unless anchored by ^ or $.
std::string like_pattern(const std::string& text) {
  if (text.size() > 1 && text.front() == '^') return text.substr(1) + "%";
  if (text.size() > 1 && text.back() == '$') return "%" + text.substr(0, text.size() - 1);
  return "%" + text + "%";
}

/// The SQL of one criterion; its text values appended to `binds`. Empty: no condition.
std::string condition(const Call& call, const Criterion& c, std::vector<std::string>& binds) {
  const SearchOption& o = *option(static_cast<int>(*as_int(json(*c.field))));
  const std::string& type = *c.searchtype;
  const std::string& value = *c.value;
  auto bind = [&](std::string v) {
    binds.push_back(std::move(v));
    return fmt::format("?{}", binds.size() + 1);
  };
  const bool negated = type == "notequals" || type == "notcontains";
  if (type == "equals" || type == "notequals") {
    if (o.kind == OptKind::status) {
      const auto statuses = statuses_of(value);
      if (statuses.empty()) return "";
      return fmt::format("{} {}IN ({})", o.sql, negated ? "NOT " : "",
                         fmt::join(statuses.begin(), statuses.end(), ", "));
    }
    if (o.kind == OptKind::number || o.kind == OptKind::category) {
      const auto n = as_int(json(value));
      return fmt::format("{} {} {}", o.sql, negated ? "<>" : "=", n.value_or(0));
    }
    return fmt::format("{} {} {}", shown_sql(o), negated ? "<>" : "=", bind(value));
  }
  if (type == "contains" || type == "notcontains") {
    if (value.empty()) return "";
    if (value == "NULL") return fmt::format("{} IS {}NULL", shown_sql(o), negated ? "NOT " : "");
    return fmt::format("{} {}LIKE {}", shown_sql(o), negated ? "NOT " : "",
                       bind(like_pattern(value)));
  }
  if (type == "morethan" || type == "lessthan") {
    const char* op = type == "morethan" ? ">" : "<";
    if (o.kind == OptKind::datetime || o.kind == OptKind::text)
      return fmt::format("{} {} {}", shown_sql(o), op, bind(value));
    return fmt::format("{} {} {}", o.sql, op, as_int(json(value)).value_or(0));
  }
  if (type == "under" || type == "notunder") {  // a category and its children
    if (o.kind != OptKind::category) return "";
    return fmt::format(
        "{} {}IN (SELECT id FROM glpi_itilcategories WHERE id = {n} OR completename LIKE "
        "(SELECT completename || ' > %' FROM glpi_itilcategories WHERE id = {n}))",
        o.sql, type == "notunder" ? "NOT " : "", fmt::arg("n", as_int(json(value)).value_or(0)));
  }
  call.refuse_doc(400, "ERROR", fmt::format("searchtype '{}' is not one of GLPI's", type));
}

json cell(const SearchOption& o, const Stmt& st, int column, const Call& call) {
  if (st.is_null(column)) return nullptr;
  switch (o.kind) {
    case OptKind::number:
    case OptKind::status: return st.int64(column);
    case OptKind::datetime: return datetime(st.int64(column));
    case OptKind::category:
    case OptKind::text: return call.shown(st.text(column));
  }
  return nullptr;
}

}  // namespace

Reply search_items(Call& call) {
  if (call.url.size() < 2 || call.url[1].empty()) call.refuse_doc(400, "ERROR", "missing itemtype");
  const ItemType* type = find_type(call.url[1]);
  if (type == nullptr)
    call.refuse_doc(400, "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                    "resource not found or not an instance of CommonDBTM");
  if (type->name != "Ticket")
    call.refuse_doc(400, "ERROR",
                    fmt::format("the sandbox searches Ticket only, not {}", type->name));

  std::vector<Criterion> criteria = read_criteria(call);
  for (const auto& c : criteria) {
    if (!c.field || !c.searchtype || !c.value)
      call.refuse_doc(400, "ERROR", "Malformed search criteria");
    const auto id = as_int(json(*c.field));
    if (!id || *id < 0 || c.field->find_first_not_of("0123456789") != std::string::npos ||
        option(static_cast<int>(*id)) == nullptr)
      call.refuse_doc(400, "ERROR", "Bad field ID in search criteria");
  }
  if (criteria.empty()) criteria.push_back({"AND", "12", "equals", "notold"});

  std::vector<int> forcedisplay = read_forcedisplay(call);
  const auto range_text = call.text_param("range");
  std::int64_t start = 0, end = kListLimit - 1;
  if (range_text) {  // preg_match("/^[0-9]+-[0-9]+$/")
    const auto dash = range_text->find('-');
    const bool ok = dash != std::string::npos && dash > 0 && dash <= 15 &&
                    dash + 1 < range_text->size() && range_text->size() - dash - 1 <= 15 &&
                    range_text->find_first_not_of("0123456789-") == std::string::npos &&
                    range_text->find('-', dash + 1) == std::string::npos;
    if (!ok) call.refuse_doc(400, "ERROR", "range must be in format : [start-end] with integers");
    start = std::stoll(range_text->substr(0, dash));
    end = std::stoll(range_text->substr(dash + 1));
  }
  int sort = 19;
  if (const auto s = call.text_param("sort")) {
    const auto n = as_int(json(*s));
    sort = n && option(static_cast<int>(*n)) != nullptr ? static_cast<int>(*n) : 1;
  }
  std::string order = call.text_param("order").value_or("DESC");
  std::transform(order.begin(), order.end(), order.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
  if (order != "ASC") order = "DESC";

  // The columns, as prepareDatasForSearch orders them.
  std::vector<int> toview{2, 1};
  if (forcedisplay.empty())
    toview.insert(toview.end(), kDisplayPreferences.begin(), kDisplayPreferences.end());
  else
    toview.insert(toview.end(), forcedisplay.begin(), forcedisplay.end());
  for (const auto& c : criteria) toview.push_back(static_cast<int>(*as_int(json(*c.field))));
  toview.push_back(sort);
  std::vector<int> columns;
  for (int id : toview)
    if (option(id) != nullptr && std::find(columns.begin(), columns.end(), id) == columns.end())
      columns.push_back(id);

  // WHERE: what the user may read, not in the trash, then the criteria one after the other.
  std::vector<std::string> binds;
  std::string where;
  for (const auto& c : criteria) {
    const std::string cond = condition(call, c, binds);
    if (cond.empty()) continue;
    std::string link = c.link;
    std::transform(link.begin(), link.end(), link.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
    if (link != "OR" && link != "AND NOT" && link != "OR NOT") link = "AND";
    if (where.empty())
      where = link.size() > 3 && link.substr(link.size() - 3) == "NOT"
                  ? fmt::format("NOT ({})", cond)
                  : fmt::format("({})", cond);
    else
      where += fmt::format(" {} ({})", link, cond);
  }
  const std::string filter =
      fmt::format("{}{}", type->visible, where.empty() ? "" : fmt::format(" AND ({})", where));

  auto count = call.db.prepare(fmt::format("SELECT count(*) FROM glpi_tickets WHERE {}", filter));
  count.bind_at(1, call.me().id);
  for (std::size_t i = 0; i < binds.size(); ++i) count.bind_at(static_cast<int>(i + 2), binds[i]);
  count.step();
  const std::int64_t total = count.int64(0);
  if (start > total)
    call.refuse_doc(400, "ERROR_RANGE_EXCEED_TOTAL",
                    fmt::format("Provided range exceed total count of data: {}", total));

  std::string select;
  for (int id : columns) {
    if (!select.empty()) select += ", ";
    select += option(id)->kind == OptKind::category ? std::string(kCategoryName)
                                                    : std::string(option(id)->sql);
  }
  const SearchOption& by = *option(sort);
  json rows = json::array();
  if (end >= start) {
    auto st = call.db.prepare(
        fmt::format("SELECT {} FROM glpi_tickets WHERE {} ORDER BY {} {}, id {} LIMIT {} OFFSET {}",
                    select, filter, shown_sql(by), order, order, end - start + 1, start));
    st.bind_at(1, call.me().id);
    for (std::size_t i = 0; i < binds.size(); ++i) st.bind_at(static_cast<int>(i + 2), binds[i]);
    while (st.step()) {
      json row = json::object();
      for (std::size_t i = 0; i < columns.size(); ++i)
        row[std::to_string(columns[i])] = cell(*option(columns[i]), st, static_cast<int>(i), call);
      rows.push_back(std::move(row));
    }
  }
  const auto count_rows = static_cast<std::int64_t>(rows.size());
  end = std::min(end, total - 1);

  Reply reply;
  // GLPI 10 answers its multi-column sort as arrays.
  reply.body = {{"totalcount", total},
                {"count", count_rows},
                {"sort", json::array({sort})},
                {"order", json::array({order})}};
  if (!rows.empty()) reply.body["data"] = std::move(rows);
  reply.body["content-range"] = fmt::format("{}-{}/{}", start, end, total);
  reply.headers.emplace_back("Accept-Range", "Ticket 1000");
  if (total > 0)
    reply.headers.emplace_back("Content-Range", fmt::format("{}-{}/{}", start, end, total));
  if (count_rows < total) reply.status = 206;
  return reply;
}

}  // namespace sne::sandbox::glpi
