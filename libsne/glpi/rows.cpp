// GLPI's rows read as sne's records, whatever GLPI's version wrote.
#include "glpi/rows.hpp"

#include <algorithm>

#include "glpi/html.hpp"

namespace sne::glpi {

using nlohmann::json;

std::int64_t loose_int(const json& v, std::int64_t fallback) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (!s.empty() && s.size() < 19 &&
        std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::stoll(s);
  }
  return fallback;
}

std::string raw_string(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::string loose_string(const json& obj, std::string_view key) {
  return decode_entities(raw_string(obj, key));
}

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

GlpiCategory category_of(const json& row) {
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
  return c;
}

Ticket ticket_of(const json& row, const std::map<std::int64_t, std::string>& categories) {
  Ticket t;
  t.id = loose_int(row.value("id", json()));
  t.title = loose_string(row, "name");
  t.text = html_to_text(raw_string(row, "content"));
  const auto status = loose_int(row.value("status", json()), 1);
  t.status =
      status >= 1 && status <= 6 ? static_cast<TicketStatus>(status) : TicketStatus::incoming;
  t.type =
      loose_int(row.value("type", json()), 1) == 2 ? TicketType::request : TicketType::incident;
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

Ticket ticket_of_search(const json& row) {
  auto cell = [&row](TicketField f) -> json {
    const auto it = row.find(std::to_string(static_cast<int>(f)));
    if (it == row.end()) return json();
    if (it->is_array()) return it->empty() ? json() : it->front();
    return *it;
  };
  auto text = [&cell](TicketField f) {
    const json v = cell(f);
    return v.is_string() ? decode_entities(v.get<std::string>()) : std::string();
  };
  Ticket t;
  t.id = loose_int(cell(TicketField::id));
  t.title = text(TicketField::title);
  const auto status = loose_int(cell(TicketField::status), 1);
  t.status =
      status >= 1 && status <= 6 ? static_cast<TicketStatus>(status) : TicketStatus::incoming;
  t.type = loose_int(cell(TicketField::type), 1) == 2 ? TicketType::request : TicketType::incident;
  t.urgency = static_cast<int>(loose_int(cell(TicketField::urgency), 3));
  t.category = text(TicketField::category);
  t.date = text(TicketField::date);
  t.date_mod = text(TicketField::date_mod);
  const json content = cell(TicketField::content);
  if (content.is_string()) t.text = html_to_text(content.get<std::string>());
  return t;
}

TicketFollowup followup_of(const json& row) {
  TicketFollowup t;
  t.id = loose_int(row.value("id", json()));
  t.date = loose_string(row, "date");
  t.text = html_to_text(raw_string(row, "content"));
  t.is_private = loose_int(row.value("is_private", json())) != 0;
  t.user_id = loose_int(row.value("users_id", json()));
  return t;
}

}  // namespace sne::glpi
