// What GLPI's API does with any CommonDBTM (API::getItem, getItems, createItems, updateItems,
// deleteItems and APIRest::call's switch on the verb), over the itemtypes of glpi_types.cpp.
#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "sandbox/glpi_types.hpp"

namespace sne::sandbox::glpi {

namespace {

/// PHP's default list limit (glpilist_limit, 15): lists without a range give 15 rows.
constexpr std::int64_t kListLimit = 15;
/// PHP's max_input_vars, which GLPI announces in Accept-Range.
constexpr int kMaxInputVars = 1000;

/// An id of the path, as APIRest::getId reads it (is_numeric, intval).
std::optional<std::int64_t> path_id(const Call& call, std::size_t index) {
  if (index >= call.url.size()) return std::nullopt;
  const std::string& s = call.url[index];
  const std::size_t digits = !s.empty() && s[0] == '-' ? 1 : 0;
  if (s.size() == digits || s.size() > digits + 18 ||
      s.find_first_not_of("0123456789", digits) != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

/// The itemtype at url[index]; GLPI's error for a resource it does not know.
const ItemType& itemtype_at(const Call& call, std::size_t index) {
  const ItemType* type = find_type(call.url[index]);
  if (type == nullptr)
    call.refuse_doc(400, "ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM",
                    "resource not found or not an instance of CommonDBTM");
  return *type;
}

// ---- rows ------------------------------------------------------------------------------------

std::string select_list(const ItemType& type) {
  std::string out;
  for (const auto& c : type.columns) {
    if (!out.empty()) out += ", ";
    out += c.sql;
  }
  return out;
}

json read_row(const ItemType& type, const Stmt& st) {
  json row = json::object();
  int i = 0;
  for (const auto& c : type.columns) {
    if (st.is_null(i)) {
      row[std::string(c.name)] = nullptr;
    } else if (c.kind == Kind::integer) {
      row[std::string(c.name)] = st.int64(i);
    } else if (c.kind == Kind::datetime) {
      row[std::string(c.name)] = datetime(st.int64(i));
    } else {
      row[std::string(c.name)] = st.text(i);
    }
    ++i;
  }
  return row;
}

/// GLPI's isForeignKeyField: "users_id", "users_id_recipient", not "id".
bool is_foreign_key(std::string_view key) {
  const auto pos = key.find("_id");
  if (pos == std::string_view::npos || pos == 0) return false;
  for (auto p = pos; p != std::string_view::npos; p = key.find("_id", p + 1))
    if (p > 0 && (p + 3 == key.size() || (key[p + 3] == '_' && p + 4 < key.size()))) return true;
  return false;
}

/// The itemtype a foreign key points to ("users_id_recipient": User), as
/// getItemTypeForTable(getTableNameForForeignKeyField()); empty when the sandbox has none.
std::string_view fk_itemtype(std::string_view key) {
  static const std::map<std::string_view, std::string_view> kTables{
      {"entities", "Entity"},
      {"users", "User"},
      {"itilcategories", "ITILCategory"},
      {"requesttypes", "RequestType"},
      {"documents", "Document"},
      {"tickets", "Ticket"},
      {"itilfollowups", "ITILFollowup"},
      {"locations", "Location"},
      {"groups", "Group"},
      {"documentcategories", "DocumentCategory"},
      {"knowbaseitemcategories", "KnowbaseItemCategory"}};
  const auto it = kTables.find(key.substr(0, key.find("_id")));
  return it == kTables.end() ? std::string_view() : it->second;
}

/// The foreign key naming `itemtype` ("Ticket": "tickets_id"), as getForeignKeyFieldForItemType.
std::string foreign_key_of(std::string_view itemtype) {
  static const std::map<std::string_view, std::string_view> kKeys{
      {"Ticket", "tickets_id"},
      {"ITILCategory", "itilcategories_id"},
      {"Document", "documents_id"},
      {"ITILFollowup", "itilfollowups_id"},
      {"Document_Item", "documents_items_id"}};
  const auto it = kKeys.find(itemtype);
  return it == kKeys.end() ? std::string() : std::string(it->second);
}

/// Dropdown::getDropdownName: what expand_dropdowns shows instead of an id.
json dropdown_name(Call& call, std::string_view itemtype, std::int64_t id) {
  if (itemtype == "Entity") return id == 0 ? json("Root entity") : json("");
  if (itemtype == "RequestType") return id == 1 ? json("Helpdesk") : json("");
  std::string sql;
  if (itemtype == "User") sql = "SELECT nom || ' ' || prenom FROM users WHERE id = ?";
  if (itemtype == "ITILCategory") sql = "SELECT completename FROM glpi_itilcategories WHERE id = ?";
  if (itemtype == "Ticket") sql = "SELECT name FROM glpi_tickets WHERE id = ?";
  if (itemtype == "Document") sql = "SELECT name FROM glpi_documents WHERE id = ?";
  if (sql.empty()) return "";
  auto st = call.db.prepare(sql);
  st.bind(id);
  return st.step() ? json(st.text(0)) : json("");
}

/// What GLPI does to a row on its way out: links to what its foreign keys point to and to its
/// sub-itemtypes (get_hateoas), names instead of ids (expand_dropdowns), stored text encoded
/// unless the client asked for raw text.
void present(Call& call, const ItemType& type, json& row) {
  const bool hateoas = call.flag("get_hateoas", true);
  const bool expand = call.flag("expand_dropdowns", false);
  json links = json::array();
  for (auto& [key, value] : row.items()) {
    if (!is_foreign_key(key)) continue;
    std::string fk = key;
    if (key == "items_id" && row.contains("itemtype") && row["itemtype"].is_string())
      fk = foreign_key_of(row["itemtype"].get<std::string>());
    const bool set = value.is_number_integer() &&
                     (value.get<std::int64_t>() != 0 || (fk == "entities_id" && value >= 0));
    const std::string_view target = fk_itemtype(fk);
    if (!set || target.empty()) continue;
    const std::int64_t id = value.get<std::int64_t>();
    if (hateoas)
      links.push_back(
          {{"rel", target}, {"href", fmt::format("{}/{}/{}", call.api_url, target, id)}});
    if (expand) value = dropdown_name(call, target, id);
  }
  if (hateoas)
    for (const auto child : type.children)
      links.push_back({{"rel", child},
                       {"href", fmt::format("{}/{}/{}/{}/", call.api_url, type.name,
                                            row["id"].get<std::int64_t>(), child)}});
  if (hateoas && !links.empty()) row["links"] = std::move(links);
  for (auto& [key, value] : row.items())
    if (value.is_string()) value = call.shown(value.get<std::string>());
}

json load(Call& call, const ItemType& type, std::int64_t id) {
  auto st =
      call.db.prepare(fmt::format("SELECT {} FROM {} WHERE id = ?", select_list(type), type.table));
  st.bind(id);
  st.step();
  return read_row(type, st);
}

// ---- GET ---------------------------------------------------------------------------------------

Reply get_item(Call& call, const ItemType& type, std::int64_t id) {
  if (!exists(call, type, id)) refuse(404, "ERROR_ITEM_NOT_FOUND", "Item not found");
  if (!visible(call, type, id)) refuse(403, "ERROR_RIGHT_MISSING", std::string(kNoRight));
  // Document::post_getFromDB sends the file itself for these two.
  const auto accept = http::header(call.request.headers, "Accept");
  if (type.name == "Document" &&
      ((accept && *accept == "application/octet-stream") || call.text_param("alt") == "media"))
    return download_document(call, id);
  json row = load(call, type, id);
  Reply reply;
  // APIRest::call: the item's date_mod ("Y-m-d H:i:s") as Last-Modified.
  if (row.contains("date_mod") && row["date_mod"].is_string()) {
    std::string iso = row["date_mod"].get<std::string>();
    iso[10] = 'T';
    if (auto t = parse_timestamp(iso + "Z"))
      reply.headers.emplace_back("Last-Modified", http::http_date(*t));
  }
  present(call, type, row);
  reply.body = std::move(row);
  return reply;
}

struct Range {
  std::int64_t start = 0;
  std::int64_t end = kListLimit - 1;
};

Range read_range(const Call& call, const std::optional<std::string>& text) {
  Range r;
  if (!text) return r;
  const auto dash = text->find('-');
  const bool ok = dash != std::string::npos && dash > 0 && dash + 1 < text->size() && dash <= 18 &&
                  text->size() - dash - 1 <= 18 &&
                  text->find_first_not_of("0123456789-") == std::string::npos &&
                  text->find('-', dash + 1) == std::string::npos;
  if (!ok) call.refuse_doc(400, "ERROR", "range must be in format : [start-end] with integers");
  r.start = std::stoll(text->substr(0, dash));
  r.end = std::stoll(text->substr(dash + 1));
  return r;
}

Reply get_items(Call& call, const ItemType& type, const ItemType* parent,
                std::optional<std::int64_t> parent_id) {
  const auto range_text = call.text_param("range");
  const Range range = read_range(call, range_text);
  std::string order = call.text_param("order").value_or("ASC");
  std::transform(order.begin(), order.end(), order.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (order != "ASC" && order != "DESC") call.refuse_doc(400, "ERROR", "order must be DESC or ASC");
  const std::string sort = call.text_param("sort").value_or("id");
  const Column* sort_column = nullptr;
  for (const auto& c : type.columns)
    if (c.name == sort) sort_column = &c;
  if (sort_column == nullptr)
    call.refuse_doc(400, "ERROR", fmt::format("sort param is not a field of {}", type.table));

  // WHERE: what the user may read, then the parent, the text filters, the trash.
  std::string where = type.visible;
  std::vector<std::string> binds;  // ?2, ?3...: text values
  if (parent != nullptr) {
    const std::int64_t pid = parent_id.value_or(0);
    if (!exists(call, *parent, pid)) refuse(404, "ERROR_ITEM_NOT_FOUND", "Item not found");
    if (!visible(call, *parent, pid)) refuse(403, "ERROR_RIGHT_MISSING", std::string(kNoRight));
    const std::string fk_parent = foreign_key_of(parent->name);
    const std::string fk_child = foreign_key_of(type.name);
    auto has = [](const ItemType& t, std::string_view name) {
      return std::any_of(t.columns.begin(), t.columns.end(),
                         [&](const Column& c) { return c.name == name; });
    };
    if (has(type, fk_parent)) {
      where += fmt::format(" AND {} = {}", fk_parent, pid);
    } else if (has(type, "itemtype") && has(type, "items_id")) {
      where += fmt::format(" AND itemtype = '{}' AND items_id = {}", parent->name, pid);
    } else if (!fk_child.empty() && has(*parent, fk_child)) {
      where +=
          fmt::format(" AND id IN (SELECT {} FROM {} WHERE id = {})", fk_child, parent->table, pid);
    }
  }
  for (const auto& [key, value] : call.params.items()) {
    constexpr std::string_view kSearch = "searchText[";
    if (key.rfind(kSearch, 0) != 0 || key.back() != ']' || php_empty(value)) continue;
    std::string field = key.substr(kSearch.size(), key.size() - kSearch.size() - 1);
    if (field == "all") field = "name";
    const Column* column = nullptr;
    for (const auto& c : type.columns)
      if (c.name == field) column = &c;
    if (column == nullptr)
      call.refuse_doc(400, "ERROR",
                      fmt::format("searchText field '{}' is not a field of {}", field, type.table));
    // Search::makeTextSearch: contains, unless anchored by ^ or $.
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    std::string pattern = "%" + text + "%";
    if (text.size() > 1 && text.front() == '^') pattern = text.substr(1) + "%";
    if (text.size() > 1 && text.back() == '$') pattern = "%" + text.substr(0, text.size() - 1);
    binds.push_back(pattern);
    where += fmt::format(" AND {} LIKE ?{}", column->sql, binds.size() + 1);
  }
  if (type.has_is_deleted)
    for (const auto& c : type.columns)
      if (c.name == "is_deleted")
        where += fmt::format(" AND {} = {}", c.sql, call.flag("is_deleted", false) ? 1 : 0);

  auto count = call.db.prepare(fmt::format("SELECT count(*) FROM {} WHERE {}", type.table, where));
  count.bind_at(1, call.me().id);
  for (std::size_t i = 0; i < binds.size(); ++i) count.bind_at(static_cast<int>(i + 2), binds[i]);
  count.step();
  const std::int64_t total = count.int64(0);
  // GLPI refuses a start beyond the total, not at it.
  if (range.start > total)
    call.refuse_doc(400, "ERROR_RANGE_EXCEED_TOTAL",
                    fmt::format("Provided range exceed total count of data: {}", total));

  json rows = json::array();
  if (range.end >= range.start) {
    auto st = call.db.prepare(fmt::format(
        "SELECT {} FROM {} WHERE {} ORDER BY {} {}, id LIMIT {} OFFSET {}", select_list(type),
        type.table, where, sort_column->sql, order, range.end - range.start + 1, range.start));
    st.bind_at(1, call.me().id);
    for (std::size_t i = 0; i < binds.size(); ++i) st.bind_at(static_cast<int>(i + 2), binds[i]);
    const bool only_id = call.flag("only_id", false);
    while (st.step()) {
      json row = read_row(type, st);
      if (only_id) row = json{{"id", row["id"]}};
      present(call, type, row);
      rows.push_back(std::move(row));
    }
  }

  // APIRest::call's headers: the range asked (without one, 0 to the list limit, one more than
  // the rows given), its end cut at the total; 206 when that covers less than the total.
  Reply reply;
  std::int64_t first = 0, last = kListLimit;
  if (range_text) {
    first = range.start;
    last = range.end;
  }
  last = std::min(last, total - 1);
  if (last - first + 1 < total) reply.status = 206;
  reply.headers.emplace_back("Accept-Range", fmt::format("{} {}", type.name, kMaxInputVars));
  if (total > 0)
    reply.headers.emplace_back("Content-Range", fmt::format("{}-{}/{}", first, last, total));
  reply.body = std::move(rows);
  return reply;
}

// ---- POST, PUT, DELETE ---------------------------------------------------------------------

/// The input of a bulk call as a list, and whether it was a single object.
std::pair<json, bool> input_list(const Call& call) {
  const auto it = call.params.find("input");
  if (it != call.params.end() && it->is_object()) return {json::array({*it}), false};
  if (it != call.params.end() && it->is_array()) return {*it, true};
  call.refuse_doc(400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects");
}

/// The answer to items added, updated or deleted (`action`: "ADD", "UPDATE", "DELETE"), one
/// result per input: 400 ERROR_GLPI_<action> with the results when every one failed, 207
/// ERROR_GLPI_PARTIAL_<action> when some did (not a refusal: what succeeded stays, as in GLPI),
/// else `ok_status` with the results.
Reply bulk_reply(std::string_view action, std::size_t failed, std::size_t count, json results,
                 int ok_status) {
  if (failed == count) refuse(400, fmt::format("ERROR_GLPI_{}", action), std::move(results));
  Reply reply;
  if (failed > 0) {
    reply.status = 207;
    reply.body = json::array({fmt::format("ERROR_GLPI_PARTIAL_{}", action), std::move(results)});
    return reply;
  }
  reply.status = ok_status;
  reply.body = std::move(results);
  return reply;
}

Reply create_items(Call& call, const ItemType& type) {
  auto [inputs, multiple] = input_list(call);
  json results = json::array();
  std::size_t failed = 0;
  std::string links;
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    json& input = inputs[index];
    json result;
    const auto entity = input.is_object() ? input.find("entities_id") : input.end();
    const bool other_entity =
        input.is_object() && entity != input.end() && as_int(*entity).value_or(-1) != 0;
    if (!input.is_object() || type.add == nullptr || other_entity) {
      ++failed;
      result = {{"id", false}, {"message", kNoRight}};
    } else {
      Added added = type.add(call, input);
      if (!added.id) ++failed;
      result = {{"id", added.id ? json(*added.id) : json(false)},
                {"message", call.shown(added.message)}};
      if (added.id) {
        if (!links.empty()) links += ',';
        links += fmt::format("{}/{}/{}", call.api_url, type.name, *added.id);
      }
    }
    if (index < call.upload_results.size()) result["upload_result"] = call.upload_results[index];
    results.push_back(std::move(result));
  }
  Reply reply;
  if (!multiple) {
    if (failed > 0) refuse(400, "ERROR_GLPI_ADD", results[0]["message"]);
    reply.status = 201;
    reply.headers.emplace_back("Location", fmt::format("{}/{}/{}", call.api_url, type.name,
                                                       results[0]["id"].get<std::int64_t>()));
    reply.body = std::move(results[0]);
    return reply;
  }
  reply = bulk_reply("ADD", failed, inputs.size(), std::move(results), 201);
  if (reply.status == 201) reply.headers.emplace_back("Link", links);
  return reply;
}

/// PUT and PATCH. The self-service profile may update nothing the sandbox serves.
Reply update_items(Call& call, const ItemType& type, std::optional<std::int64_t> id) {
  if (!call.params.contains("input"))
    call.refuse_doc(400, "ERROR_BAD_ARRAY", "input parameter must be an array of objects");
  json& input = call.params["input"];
  if (id && *id > 0 && input.is_object() && !input.contains("id")) input["id"] = *id;
  auto [inputs, multiple] = input_list(call);
  json results = json::array();
  std::size_t failed = 0;
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    const json& object = inputs[index];
    json result = json::array();  // GLPI answers [] for an input without id
    if (object.is_object() && object.contains("id")) {
      const auto item = as_int(object["id"]);
      if (!item || !exists(call, type, *item)) {
        ++failed;  // GLPI counts it and moves on without a result (API::updateItems)
        continue;
      }
      ++failed;
      result = {{std::to_string(*item), false}, {"message", kNoRight}};
    }
    if (index < call.upload_results.size() && result.is_object())
      result["upload_result"] = call.upload_results[index];
    results.push_back(std::move(result));
  }
  if (!multiple && failed > 0)
    refuse(400, "ERROR_GLPI_UPDATE", results.empty() ? json() : results[0]["message"]);
  return bulk_reply("UPDATE", failed, inputs.size(), std::move(results), 200);
}

Reply delete_items(Call& call, const ItemType& type, std::optional<std::int64_t> id) {
  if (id) call.params["input"] = json{{"id", *id}};
  auto [inputs, multiple] = input_list(call);
  json results = json::array();
  std::size_t failed = 0;
  for (const json& object : inputs) {
    if (!object.is_object() || !object.contains("id")) continue;  // GLPI skips it
    const auto item = as_int(object["id"]);
    const std::string key =
        object["id"].is_string() ? object["id"].get<std::string>() : object["id"].dump();
    if (!item || !exists(call, type, *item)) {
      ++failed;
      results.push_back({{key, false}, {"message", "Item not found"}});
      continue;
    }
    // Items without a trash are always purged.
    const bool purge = !type.has_is_deleted || (call.params.contains("force_purge") &&
                                                php_bool(call.params["force_purge"]));
    if (type.remove == nullptr || !visible(call, type, *item) || !type.may_delete(call, *item)) {
      ++failed;
      results.push_back({{key, false}, {"message", kNoRight}});
      continue;
    }
    results.push_back({{key, true}, {"message", call.shown(type.remove(call, *item, purge))}});
  }
  if (!multiple && failed > 0) refuse(400, "ERROR_GLPI_DELETE", results[0]["message"]);
  return bulk_reply("DELETE", failed, inputs.size(), std::move(results), 200);
}

}  // namespace

Reply items(Call& call) {
  // APIRest::getItemtype and getId: Itemtype[/id[/SubItemtype[/id]]].
  const ItemType* type = &itemtype_at(call, 0);
  const ItemType* parent = nullptr;
  if (call.url.size() > 2) {
    parent = type;
    type = &itemtype_at(call, 2);
  }
  std::optional<std::int64_t> id = path_id(call, 1);
  std::optional<std::int64_t> parent_id;
  const auto additional = path_id(call, 3);
  if ((additional && *additional != 0) || parent != nullptr) {
    parent_id = id;
    id = additional;
  }
  const std::string& verb = call.request.method;
  if (verb == "POST") return create_items(call, *type);
  if (verb == "PUT" || verb == "PATCH") return update_items(call, *type, id);
  if (verb == "DELETE") return delete_items(call, *type, id);
  // GET, and any other verb, as GLPI's switch does.
  if (id && *id > 0) return get_item(call, *type, *id);
  return get_items(call, *type, parent, parent_id);
}

}  // namespace sne::sandbox::glpi
