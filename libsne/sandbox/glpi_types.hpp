// Internal: the itemtypes of the sandbox's GLPI as a table: their columns in GLPI's order,
// which rows the user of a session may read, and what adding or deleting one does. The CRUD
// that GLPI's API runs over any CommonDBTM (glpi_items.cpp) reads this table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sandbox/glpi.hpp"

namespace sne::sandbox::glpi {

enum class Kind {
  integer,   ///< a number (possibly a constant of the sandbox: entities_id 0)
  text,      ///< stored text: HTML-encoded unless the client asks for raw text
  datetime,  ///< seconds stored, "Y-m-d H:i:s" shown; may be null
};

struct Column {
  std::string_view name;  ///< GLPI's field
  std::string_view sql;   ///< its expression over the table's row
  Kind kind;
};

/// What adding one item gave: its id, or nothing when the add failed; and GLPI's last message.
struct Added {
  std::optional<std::int64_t> id;
  std::string message;
};

struct ItemType {
  std::string_view name;   ///< "Ticket"
  std::string_view table;  ///< "glpi_tickets"
  std::vector<Column> columns;
  /// SQL condition on the table's rows that the user (?1) may read.
  std::string visible;
  bool has_is_deleted;  ///< lists show is_deleted = 0 unless asked for the trash
  /// Links of GLPI's HATEOAS to the sub-itemtypes (API::getHatoasClasses).
  std::vector<std::string_view> children;
  /// Adds one item from its input (entities_id already checked); nullptr: the self-service
  /// profile may not create this itemtype.
  Added (*add)(Call& call, json& input);
  /// Deletes (force_purge: purges) item `id`, known to exist; GLPI's last message. nullptr: the
  /// profile may not. `may_delete` says whether the user may delete that one.
  std::string (*remove)(Call& call, std::int64_t id, bool force_purge);
  bool (*may_delete)(Call& call, std::int64_t id);
};

/// The itemtypes served.
const std::vector<ItemType>& item_types();
/// The itemtype named `name`, case-insensitively as PHP's class names; nullptr if unknown.
const ItemType* find_type(std::string_view name);

/// Whether row `id` of `type` exists; whether the user may read it.
bool exists(Call& call, const ItemType& type, std::int64_t id);
bool visible(Call& call, const ItemType& type, std::int64_t id);

// Per itemtype (glpi_types.cpp, glpi_documents.cpp).
Added add_ticket(Call& call, json& input);
Added add_followup(Call& call, json& input);
Added add_solution(Call& call, json& input);
Added add_document(Call& call, json& input);
std::string remove_document(Call& call, std::int64_t id, bool force_purge);
bool may_delete_document(Call& call, std::int64_t id);
/// GET Document/N with "Accept: application/octet-stream" or ?alt=media: the file.
Reply download_document(Call& call, std::int64_t id);

/// The message of a successful add, as CommonDBTM::addMessageOnAddAction writes it.
std::string added_message(std::string_view name);
/// "You don't have permission to perform this action."
inline constexpr std::string_view kNoRight = "You don't have permission to perform this action.";

}  // namespace sne::sandbox::glpi
