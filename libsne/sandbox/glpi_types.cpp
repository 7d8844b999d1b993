// The itemtypes of the sandbox's GLPI: their columns as GLPI 10 names and orders them, what a
// self-service user sees of them (its own tickets, their follow-ups and documents; every
// category), and the adds of tickets and follow-ups.
#include <array>
#include <limits>

#include <fmt/format.h>

#include "base/text.hpp"
#include "sandbox/glpi_types.hpp"
#include "sandbox/store.hpp"

namespace sne::sandbox::glpi {

namespace {

// The tickets of which the user (?1) is the requester or the recipient.
constexpr std::string_view kMyTickets =
    "SELECT id FROM glpi_tickets WHERE users_id_recipient = ?1 OR requester_id = ?1";

/// GLPI's default priority matrix (config priority_matrix): urgency, then impact, 1 to 5.
constexpr std::array<std::array<int, 5>, 5> kPriority{{
    {1, 1, 2, 2, 2},
    {1, 2, 2, 3, 3},
    {2, 2, 3, 4, 4},
    {2, 3, 4, 4, 5},
    {2, 3, 4, 5, 5},
}};

std::optional<std::string> string_field(const json& input, const char* key) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return std::nullopt;
}

/// An integer member from `min` to `max`, `fallback` when absent; nothing when out of range.
std::optional<std::int64_t> int_field(const json& input, const char* key, std::int64_t fallback,
                                      std::int64_t min, std::int64_t max) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) return fallback;
  const auto v = as_int(*it);
  if (!v || *v < min || *v > max) return std::nullopt;
  return v;
}

/// "Y-m-d H:i:s" as GLPI's date fields take it; nothing for anything else.
std::optional<std::int64_t> parse_datetime(const std::string& text) {
  if (text.size() != 19 || text[10] != ' ') return std::nullopt;
  auto t = parse_timestamp(text.substr(0, 10) + "T" + text.substr(11) + "Z");
  if (!t) return std::nullopt;
  return to_seconds(*t);
}

Added failed(std::string message) { return {std::nullopt, std::move(message)}; }

// CommonITILObject's statuses and CommonITILValidation's, as GLPI numbers them.
constexpr std::int64_t kSolved = 5;
constexpr std::int64_t kClosed = 6;
constexpr std::int64_t kSolutionWaiting = 2;
constexpr std::int64_t kSolutionAccepted = 3;

/// Links the user's documents of `ids` (an id or an array of them) to the ticket, as
/// CommonITILObject does with _documents_id; others are left out.
void link_documents(Call& call, std::int64_t ticket, const json& ids) {
  const json list = ids.is_array() ? ids : json::array({ids});
  for (const auto& value : list) {
    const auto doc = as_int(value);
    if (!doc) continue;
    auto st = call.db.prepare(
        "SELECT 1 FROM glpi_documents WHERE id = ? AND users_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM glpi_documents_items WHERE documents_id = ?1 AND itemtype = 'Ticket' "
        "AND items_id = ?3)");
    st.bind(*doc, call.me().id, ticket);
    if (!st.step()) continue;
    call.db.run(
        "INSERT INTO glpi_documents_items (documents_id, itemtype, items_id, users_id, "
        "date_mod, date_creation) VALUES (?, 'Ticket', ?, ?, ?, ?)",
        *doc, ticket, call.me().id, call.now, call.now);
  }
}

}  // namespace

std::string added_message(std::string_view name) {
  return fmt::format("Item successfully added: {}", name);
}

Added add_ticket(Call& call, json& input) {
  const std::string name = string_field(input, "name").value_or("");
  // The sandbox's ticket template makes the title mandatory, as GLPI's templates can.
  if (text::trim(name).empty()) return failed("Mandatory field missing: Title");
  const auto type = int_field(input, "type", 1, 1, 2);
  if (!type) return failed("Type must be 1 (incident) or 2 (request)");
  const auto urgency = int_field(input, "urgency", 3, 1, 5);
  const auto impact = int_field(input, "impact", 3, 1, 5);
  if (!urgency || !impact) return failed("Urgency and impact go from 1 to 5");
  const auto category =
      int_field(input, "itilcategories_id", 0, 0, std::numeric_limits<std::int64_t>::max());
  if (!category) return failed("Category must be the id of a category");
  if (*category != 0) {
    auto st = call.db.prepare("SELECT 1 FROM glpi_itilcategories WHERE id = ?");
    st.bind(*category);
    if (!st.step()) return failed(fmt::format("Category {} not found", *category));
  }
  std::int64_t date = call.now;
  if (const auto text = string_field(input, "date"))
    if (const auto parsed = parse_datetime(*text)) date = *parsed;
  const int priority =
      kPriority[static_cast<std::size_t>(*urgency - 1)][static_cast<std::size_t>(*impact - 1)];
  const std::int64_t me = call.me().id;
  call.db.run(
      "INSERT INTO glpi_tickets (name, content, date, date_mod, date_creation, status, type, "
      "urgency, impact, priority, itilcategories_id, users_id_recipient, users_id_lastupdater, "
      "requester_id) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
      name, string_field(input, "content").value_or(""), date, call.now, call.now, *type, *urgency,
      *impact, priority, *category, me, me, me);
  const std::int64_t id = call.db.last_insert_rowid();
  if (const auto docs = input.find("_documents_id"); docs != input.end())
    link_documents(call, id, *docs);
  return {id, added_message(name)};
}

Added add_followup(Call& call, json& input) {
  const std::string itemtype = string_field(input, "itemtype").value_or("");
  const auto ticket = as_int(input.value("items_id", json()));
  const ItemType* parent = find_type(itemtype);
  const ItemType* tickets = find_type("Ticket");
  if (parent != tickets || !ticket || !visible(call, *tickets, *ticket))
    return failed(std::string(kNoRight));
  // ITILFollowup::prepareInputForAdd: add_close approves the solution of a solved ticket, and
  // needs no text ("Solution approved" stands for it).
  const bool close = input.contains("add_close");
  auto content = string_field(input, "content");
  if (close && (!content || php_empty(json(*content)))) content = "Solution approved";
  if (!content || php_empty(json(*content)))
    return failed("You can't add a followup without description");
  const auto is_private = int_field(input, "is_private", 0, 0, 1);
  call.db.run(
      "INSERT INTO glpi_itilfollowups (itemtype, items_id, date, users_id, content, is_private, "
      "date_mod, date_creation) VALUES ('Ticket', ?, ?, ?, ?, ?, ?, ?)",
      *ticket, call.now, call.me().id, *content, is_private.value_or(0), call.now, call.now);
  const std::int64_t id = call.db.last_insert_rowid();
  call.db.run("UPDATE glpi_tickets SET date_mod = ?, users_id_lastupdater = ? WHERE id = ?",
              call.now, call.me().id, *ticket);
  // ITILFollowup::post_addItem: _close on a SOLVED ticket closes it, and its waiting solution
  // is accepted by the requester (who may approve: the ticket is theirs). On a ticket in any
  // other status the follow-up is only a follow-up.
  if (close) {
    auto st = call.db.prepare("SELECT status FROM glpi_tickets WHERE id = ?");
    st.bind(*ticket);
    if (st.step() && st.int64(0) == kSolved) {
      call.db.run("UPDATE glpi_tickets SET status = ? WHERE id = ?", kClosed, *ticket);
      call.db.run(
          "UPDATE glpi_itilsolutions SET status = ?, users_id_approval = ?, date_approval = ?, "
          "date_mod = ? WHERE itemtype = 'Ticket' AND items_id = ? AND status = ?",
          kSolutionAccepted, call.me().id, call.now, call.now, *ticket, kSolutionWaiting);
    }
  }
  // A follow-up has no name: GLPI names it after its type and id.
  return {id, added_message(fmt::format("Followup - ID {}", id))};
}

Added add_solution(Call& call, json& input) {
  // ITILSolution::canCreateItem is the parent's canSolve(): a status that may become solved,
  // not closed, and the right to update tickets or being assigned. The sandbox's users are
  // given that right over the tickets they may read (a self-service profile of GLPI has it
  // not: a technician's has), so that a support agent can solve and close their tickets.
  const std::string itemtype = string_field(input, "itemtype").value_or("");
  const auto ticket = as_int(input.value("items_id", json()));
  const ItemType* tickets = find_type("Ticket");
  if (find_type(itemtype) != tickets || !ticket || !visible(call, *tickets, *ticket))
    return failed(std::string(kNoRight));
  auto st = call.db.prepare("SELECT status FROM glpi_tickets WHERE id = ?");
  st.bind(*ticket);
  st.step();
  const std::int64_t status = st.int64(0);
  if (status == kClosed) return failed(std::string(kNoRight));
  // prepareInputForAdd: a solved ticket takes no second solution.
  if (status == kSolved)
    return failed("The item is already solved, did anyone pushed a solution before you?");
  // GLPI checks no text here: an empty solution is accepted. The entity's autoclose_delay is
  // "never" in the sandbox: the solution waits for approval and the ticket becomes SOLVED (a
  // delay of 0 would accept it and close the ticket at once).
  call.db.run(
      "INSERT INTO glpi_itilsolutions (itemtype, items_id, content, status, users_id, date_mod, "
      "date_creation) VALUES ('Ticket', ?, ?, ?, ?, ?, ?)",
      *ticket, string_field(input, "content").value_or(""), kSolutionWaiting, call.me().id,
      call.now, call.now);
  const std::int64_t id = call.db.last_insert_rowid();
  // post_addItem: the ticket becomes SOLVED.
  call.db.run(
      "UPDATE glpi_tickets SET status = ?, date_mod = ?, users_id_lastupdater = ? WHERE id = ?",
      kSolved, call.now, call.me().id, *ticket);
  // Its name field is its id (ITILSolution::getNameField).
  return {id, added_message(std::to_string(id))};
}

const std::vector<ItemType>& item_types() {
  static const std::vector<ItemType> types{
      {"Ticket",
       "glpi_tickets",
       {{"id", "id", Kind::integer},
        {"entities_id", "0", Kind::integer},
        {"name", "name", Kind::text},
        {"date", "date", Kind::datetime},
        {"closedate",
         "(SELECT max(s.date_approval) FROM glpi_itilsolutions s WHERE s.itemtype = 'Ticket' "
         "AND s.items_id = glpi_tickets.id AND glpi_tickets.status = 6)",
         Kind::datetime},
        {"solvedate",
         "(SELECT max(s.date_creation) FROM glpi_itilsolutions s WHERE s.itemtype = 'Ticket' "
         "AND s.items_id = glpi_tickets.id AND glpi_tickets.status >= 5)",
         Kind::datetime},
        {"takeintoaccountdate", "NULL", Kind::datetime},
        {"date_mod", "date_mod", Kind::datetime},
        {"users_id_lastupdater", "users_id_lastupdater", Kind::integer},
        {"status", "status", Kind::integer},
        {"users_id_recipient", "users_id_recipient", Kind::integer},
        {"requesttypes_id", "1", Kind::integer},
        {"content", "content", Kind::text},
        {"urgency", "urgency", Kind::integer},
        {"impact", "impact", Kind::integer},
        {"priority", "priority", Kind::integer},
        {"itilcategories_id", "itilcategories_id", Kind::integer},
        {"type", "type", Kind::integer},
        {"global_validation", "1", Kind::integer},
        {"actiontime", "0", Kind::integer},
        {"is_deleted", "0", Kind::integer},
        {"locations_id", "0", Kind::integer},
        {"validation_percent", "0", Kind::integer},
        {"date_creation", "date_creation", Kind::datetime}},
       "(users_id_recipient = ?1 OR requester_id = ?1)",
       true,
       {"Document_Item", "TicketTask", "TicketValidation", "TicketCost", "Problem_Ticket",
        "Change_Ticket", "Ticket_Ticket", "Item_Ticket", "ITILSolution", "ITILFollowup",
        "Ticket_User", "Group_Ticket", "Supplier_Ticket"},
       add_ticket,
       nullptr,
       nullptr},
      {"ITILCategory",
       "glpi_itilcategories",
       {{"id", "id", Kind::integer},
        {"entities_id", "0", Kind::integer},
        {"is_recursive", "1", Kind::integer},
        {"itilcategories_id", "itilcategories_id", Kind::integer},
        {"name", "name", Kind::text},
        {"completename", "completename", Kind::text},
        {"comment", "comment", Kind::text},
        {"level", "level", Kind::integer},
        {"knowbaseitemcategories_id", "0", Kind::integer},
        {"users_id", "0", Kind::integer},
        {"groups_id", "0", Kind::integer},
        {"code", "''", Kind::text},
        {"is_helpdeskvisible", "is_helpdeskvisible", Kind::integer},
        {"is_incident", "is_incident", Kind::integer},
        {"is_request", "is_request", Kind::integer},
        {"is_problem", "1", Kind::integer},
        {"is_change", "1", Kind::integer},
        {"date_mod", "date_mod", Kind::datetime},
        {"date_creation", "date_creation", Kind::datetime}},
       "?1 IS NOT NULL",  // every user
       false,
       {},
       nullptr,
       nullptr,
       nullptr},
      {"ITILFollowup",
       "glpi_itilfollowups",
       {{"id", "id", Kind::integer},
        {"itemtype", "itemtype", Kind::text},
        {"items_id", "items_id", Kind::integer},
        {"date", "date", Kind::datetime},
        {"users_id", "users_id", Kind::integer},
        {"users_id_editor", "0", Kind::integer},
        {"content", "content", Kind::text},
        {"is_private", "is_private", Kind::integer},
        {"requesttypes_id", "1", Kind::integer},
        {"date_mod", "date_mod", Kind::datetime},
        {"date_creation", "date_creation", Kind::datetime},
        {"timeline_position", "1", Kind::integer},
        {"sourceitems_id", "0", Kind::integer},
        {"sourceof_items_id", "0", Kind::integer}},
       fmt::format(
           "(itemtype = 'Ticket' AND items_id IN ({}) AND (is_private = 0 OR users_id = ?1))",
           kMyTickets),
       false,
       {},
       add_followup,
       nullptr,
       nullptr},
      {"ITILSolution",
       "glpi_itilsolutions",
       {{"id", "id", Kind::integer},
        {"itemtype", "itemtype", Kind::text},
        {"items_id", "items_id", Kind::integer},
        {"solutiontypes_id", "0", Kind::integer},
        {"solutiontype_name", "NULL", Kind::text},
        {"content", "content", Kind::text},
        {"date_creation", "date_creation", Kind::datetime},
        {"date_mod", "date_mod", Kind::datetime},
        {"date_approval", "date_approval", Kind::datetime},
        {"users_id", "users_id", Kind::integer},
        {"user_name", "NULL", Kind::text},
        {"users_id_editor", "0", Kind::integer},
        {"users_id_approval", "users_id_approval", Kind::integer},
        {"user_name_approval", "NULL", Kind::text},
        {"status", "status", Kind::integer},
        {"itilfollowups_id", "NULL", Kind::integer}},
       fmt::format("(itemtype = 'Ticket' AND items_id IN ({}))", kMyTickets),
       false,
       {},
       add_solution,
       nullptr,
       nullptr},
      {"Document",
       "glpi_documents",
       {{"id", "id", Kind::integer},
        {"entities_id", "0", Kind::integer},
        {"is_recursive", "0", Kind::integer},
        {"name", "name", Kind::text},
        {"filename", "filename", Kind::text},
        {"filepath", "filepath", Kind::text},
        {"documentcategories_id", "0", Kind::integer},
        {"mime", "mime", Kind::text},
        {"date_mod", "date_mod", Kind::datetime},
        {"comment", "''", Kind::text},
        {"is_deleted", "is_deleted", Kind::integer},
        {"link", "''", Kind::text},
        {"users_id", "users_id", Kind::integer},
        {"tickets_id", "0", Kind::integer},
        {"sha1sum", "sha1sum", Kind::text},
        {"is_blacklisted", "0", Kind::integer},
        {"tag", "tag", Kind::text},
        {"date_creation", "date_creation", Kind::datetime}},
       fmt::format("(users_id = ?1 OR id IN (SELECT documents_id FROM glpi_documents_items "
                   "WHERE itemtype = 'Ticket' AND items_id IN ({})))",
                   kMyTickets),
       true,
       {},
       add_document,
       remove_document,
       may_delete_document},
      {"Document_Item",
       "glpi_documents_items",
       {{"id", "id", Kind::integer},
        {"documents_id", "documents_id", Kind::integer},
        {"items_id", "items_id", Kind::integer},
        {"itemtype", "itemtype", Kind::text},
        {"entities_id", "0", Kind::integer},
        {"is_recursive", "0", Kind::integer},
        {"date_mod", "date_mod", Kind::datetime},
        {"users_id", "users_id", Kind::integer},
        {"timeline_position", "1", Kind::integer},
        {"date_creation", "date_creation", Kind::datetime},
        {"date", "date_creation", Kind::datetime}},
       fmt::format("(users_id = ?1 OR (itemtype = 'Ticket' AND items_id IN ({})))", kMyTickets),
       false,
       {},
       nullptr,
       nullptr,
       nullptr},
  };
  return types;
}

const ItemType* find_type(std::string_view name) {
  for (const auto& t : item_types())
    if (text::iequals(t.name, name)) return &t;
  return nullptr;
}

bool exists(Call& call, const ItemType& type, std::int64_t id) {
  auto st = call.db.prepare(fmt::format("SELECT 1 FROM {} WHERE id = ?", type.table));
  st.bind(id);
  return st.step();
}

bool visible(Call& call, const ItemType& type, std::int64_t id) {
  auto st = call.db.prepare(
      fmt::format("SELECT 1 FROM {} WHERE id = ?2 AND {}", type.table, type.visible));
  st.bind(call.me().id, id);
  return st.step();
}

}  // namespace sne::sandbox::glpi
