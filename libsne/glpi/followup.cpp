// Following tickets up: their statuses as GLPI names them, searches of GLPI's engine built and
// paged, the tickets of a pli and the open one a new ticket would duplicate, solving and
// closing, and waiting for a ticket to be solved. Above any one GLPI (the Glpi interface).
#include <algorithm>
#include <array>
#include <sstream>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "glpi/client.hpp"
#include "glpi/html.hpp"
#include "http/message.hpp"
#include "sne/glpi.hpp"
#include "sne/text.hpp"
#include "sne/timestamp.hpp"
#include "tracking/pacing.hpp"

namespace sne {

namespace {

using std::chrono::milliseconds;

struct StatusName {
  TicketStatus status;
  std::string_view name;
  std::string_view label;
  std::string_view plain;  ///< the label folded, without its accents
};

// GLPI's labels (CommonITILObject::getAllStatusArray, French locale).
constexpr std::array<StatusName, 6> kStatuses{{
    {TicketStatus::incoming, "new", "Nouveau", "nouveau"},
    {TicketStatus::assigned, "assigned", "En cours (attribué)", "en cours (attribue)"},
    {TicketStatus::planned, "planned", "En cours (planifié)", "en cours (planifie)"},
    {TicketStatus::waiting, "pending", "En attente", "en attente"},
    {TicketStatus::solved, "solved", "Résolu", "resolu"},
    {TicketStatus::closed, "closed", "Clos", "clos"},
}};

std::string field_value(TicketField f) { return std::to_string(static_cast<int>(f)); }

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

/// Errors a later round may not meet: the network, a busy or failing GLPI, a rate limit.
bool transient(const Error& e) {
  return e.retryable() || e.code() == ErrorCode::network || e.code() == ErrorCode::server ||
         e.code() == ErrorCode::rate_limited;
}

/// "2025-04-18" or "2025-04-18 09:30:00" (a 'T' also accepted) as GLPI's datetime; nothing
/// for anything else.
std::optional<std::string> glpi_datetime(std::string_view text) {
  std::string t(text);
  if (t.size() == 10) t += " 00:00:00";
  if (t.size() != 19) return std::nullopt;
  if (t[10] == 'T') t[10] = ' ';
  if (t[10] != ' ') return std::nullopt;
  if (!parse_timestamp(t.substr(0, 10) + "T" + t.substr(11) + "Z")) return std::nullopt;
  return t;
}

/// The follow-up calls of a client made by open_glpi(); nullptr for another Glpi.
glpi::FollowUp* follow_up(Glpi& glpi) { return dynamic_cast<glpi::FollowUp*>(&glpi); }

Error unsupported() {
  return Error(ErrorCode::internal,
               i18n::format(N_("this implementation of sne::Glpi cannot search, solve or poll "
                               "tickets")));
}

}  // namespace

Result<Ticket> ticket_summary(Glpi& glpi, std::int64_t id) {
  auto* f = follow_up(glpi);
  if (f == nullptr) return unsupported();
  return f->ticket_summary(id);
}

Result<TicketList> search_tickets(Glpi& glpi, const GlpiSearch& search) {
  auto* f = follow_up(glpi);
  if (f == nullptr) return unsupported();
  return f->search_tickets(search);
}

Result<std::int64_t> add_solution(Glpi& glpi, std::int64_t ticket, std::string_view text) {
  auto* f = follow_up(glpi);
  if (f == nullptr) return unsupported();
  return f->add_solution(ticket, text);
}

Result<std::int64_t> approve_solution(Glpi& glpi, std::int64_t ticket, std::string_view text) {
  auto* f = follow_up(glpi);
  if (f == nullptr) return unsupported();
  return f->approve_solution(ticket, text);
}

std::string_view ticket_status_label(TicketStatus status) noexcept {
  for (const auto& s : kStatuses)
    if (s.status == status) return s.label;
  return "Nouveau";
}

std::optional<TicketStatus> parse_ticket_status(std::string_view name) noexcept {
  try {
    const std::string folded = glpi::fold_name(name);
    for (const auto& s : kStatuses)
      if (folded == s.name || folded == glpi::fold_name(s.label) || folded == s.plain ||
          folded == std::to_string(static_cast<int>(s.status)))
        return s.status;
  } catch (...) {  // allocation failure: no status
  }
  return std::nullopt;
}

std::string glpi_search_query(const GlpiSearch& search) {
  std::string q;
  auto add = [&q](const std::string& key, std::string_view value) {
    if (!q.empty()) q += '&';
    q += http::percent_encode(key);
    q += '=';
    q += http::percent_encode(value);
  };
  for (std::size_t i = 0; i < search.criteria.size(); ++i) {
    const GlpiCriterion& c = search.criteria[i];
    const std::string at = fmt::format("criteria[{}]", i);
    if (i > 0) add(at + "[link]", c.link);
    add(at + "[field]", field_value(c.field));
    add(at + "[searchtype]", c.searchtype);
    add(at + "[value]", c.value);
  }
  for (std::size_t i = 0; i < search.columns.size(); ++i)
    add(fmt::format("forcedisplay[{}]", i), field_value(search.columns[i]));
  const std::size_t count = std::max<std::size_t>(search.count, 1);
  add("range", fmt::format("{}-{}", search.start, search.start + count - 1));
  add("sort", field_value(search.sort));
  add("order", search.descending ? "DESC" : "ASC");
  return q;
}

Result<GlpiSearch> ticket_search(const TicketFilter& filter, std::int64_t category_id) {
  GlpiSearch s;
  // Always a criterion on the status: without criteria GLPI searches open tickets only
  // (Ticket::getDefaultSearchRequest, status 'notold').
  GlpiCriterion status;
  status.field = TicketField::status;
  const std::string wanted = glpi::fold_name(filter.status);
  if (wanted.empty() || wanted == "all") {
    status.value = "all";
  } else if (wanted == "open") {
    status.value = "notold";
  } else if (wanted == "old") {
    status.value = "old";
  } else if (auto st = parse_ticket_status(filter.status)) {
    status.value = std::to_string(static_cast<int>(*st));
  } else {
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("'{}' is none of all, open, old, new, assigned, planned, "
                                 "pending, solved, closed (or GLPI's labels: Nouveau... Clos)"),
                              printable(filter.status, 40)),
                 "status");
  }
  s.criteria.push_back(status);
  if (category_id > 0)
    s.criteria.push_back({"AND", TicketField::category, "under", std::to_string(category_id)});
  if (!filter.since.empty()) {
    const auto since = glpi_datetime(filter.since);
    if (!since)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("'{}' is not a day (2025-04-18) nor an instant "
                                   "(2025-04-18 09:30:00)"),
                                printable(filter.since, 40)),
                   "since");
    // GLPI's morethan is strict: a second less takes the instant itself in.
    auto t = parse_timestamp(since->substr(0, 10) + "T" + since->substr(11) + "Z");
    std::string before = format_timestamp(*t - std::chrono::seconds(1));
    before[10] = ' ';
    before.pop_back();
    s.criteria.push_back({"AND", TicketField::date, "morethan", before});
  }
  s.columns = {TicketField::status,   TicketField::category, TicketField::date,
               TicketField::date_mod, TicketField::type,     TicketField::urgency};
  if (!filter.pli.empty()) {
    if (filter.pli.find_first_of("\r\n%_") != std::string::npos || blank(filter.pli))
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("'{}' is not a transaction number"), printable(filter.pli, 40)),
                   "pli");
    // The line ticket_from_pli writes; the text itself is read back to check the whole line.
    s.criteria.push_back({"AND", TicketField::content, "contains", "Transaction : " + filter.pli});
    s.columns.push_back(TicketField::content);
  }
  s.sort = TicketField::date_mod;
  s.descending = true;
  return s;
}

bool ticket_names_pli(const Ticket& ticket, std::string_view transaction) {
  if (transaction.empty()) return false;
  const std::string wanted = "Transaction : " + std::string(transaction);
  std::istringstream in(ticket.text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line == wanted) return true;
  }
  return false;
}

std::optional<Ticket> open_duplicate(const std::vector<Ticket>& tickets) {
  std::optional<Ticket> best;
  for (const auto& t : tickets)
    if (is_open(t.status) && (!best || t.id > best->id)) best = t;
  return best;
}

Result<TicketList> find_tickets(Glpi& glpi, const TicketFilter& filter, std::size_t max,
                                std::size_t page_size) {
  std::int64_t category_id = 0;
  if (!filter.category.empty()) {
    auto category = glpi.category(filter.category);
    if (!category) return category.error();
    category_id = category->id;
  }
  auto search = ticket_search(filter, category_id);
  if (!search) return search.error();
  const bool by_pli = !filter.pli.empty();
  search->count =
      std::max<std::size_t>(by_pli || max == 0 ? page_size : std::min(page_size, max), 1);
  TicketList out;
  // Pages follow one another until GLPI's total is reached, a page comes back empty, or
  // enough rows are in (a pli's tickets are all read: some rows are dropped below).
  for (std::size_t guard = 0; guard < 100000; ++guard) {
    auto page = search_tickets(glpi, *search);
    if (!page) return page.error();
    out.total = page->total;
    for (auto& t : page->items)
      if (!by_pli || ticket_names_pli(t, filter.pli)) out.items.push_back(std::move(t));
    const std::size_t next = search->start + search->count;
    if (page->items.empty() || next >= page->total) break;
    if (!by_pli && max != 0 && out.items.size() >= max) break;
    search->start = next;
  }
  if (by_pli) out.total = out.items.size();
  if (max != 0 && out.items.size() > max) out.items.resize(max);
  return out;
}

Status check_pli_duplicate(Glpi& glpi, std::string_view transaction) {
  // A second ticket about one pli, while the first is still open, is most often the same
  // command run twice.
  TicketFilter filter;
  filter.pli = std::string(transaction);
  auto tickets = find_tickets(glpi, filter, 0);
  if (!tickets) return tickets.error();
  if (auto open = open_duplicate(tickets->items))
    return Error(ErrorCode::conflict,
                 i18n::format(N_("pli {} has an open ticket already: {} ({}, {})"),
                              printable(transaction, 40), open->id, printable(open->title, 80),
                              ticket_status_label(open->status)),
                 "pli");
  return Status();
}

Result<ClosedTicket> close_ticket(Glpi& glpi, std::int64_t id, std::string_view solution) {
  if (blank(solution))
    return Error(ErrorCode::invalid_input, i18n::format(N_("the solution is empty")), "solution");
  auto ticket = ticket_summary(glpi, id);
  if (!ticket) return ticket.error();
  if (ticket->status == TicketStatus::closed)
    return Error(ErrorCode::conflict, i18n::format(N_("ticket {} is closed already"), id), "id");
  ClosedTicket out;
  if (ticket->status != TicketStatus::solved) {
    auto added = add_solution(glpi, id, solution);
    if (!added) return added.error();
    out.solution = *added;
    ticket = ticket_summary(glpi, id);
    if (!ticket) return ticket.error();
  }
  if (ticket->status == TicketStatus::solved) {
    // GLPI leaves a solution waiting for approval unless the entity closes at once.
    auto approval = approve_solution(glpi, id, out.solution == 0 ? solution : std::string_view());
    if (!approval) return approval.error();
    out.approval = *approval;
    ticket = ticket_summary(glpi, id);
    if (!ticket) return ticket.error();
  }
  out.ticket = std::move(*ticket);
  return out;
}

Result<TicketWatchResult> watch_ticket(
    Glpi& glpi, std::int64_t id, const WatchOptions& options,
    const std::function<void(const TicketWatchEvent&)>& on_event) {
  if (auto ok = tracking::Pacer::check(options); !ok) return ok.error();
  tracking::Pacer pacer(options);
  TicketWatchResult result;
  std::optional<Ticket> last;
  for (;;) {
    if (pacer.cancelled()) {
      result.outcome = WatchOutcome::cancelled;
      break;
    }
    ++result.rounds;
    auto seen = ticket_summary(glpi, id);
    if (!seen) {
      // The first sighting must succeed: an unknown ticket will not appear by waiting.
      if (!last || !transient(seen.error())) return seen.error();
      if (options.on_retry) options.on_retry(seen.error());
      pacer.after_round(false);
    } else {
      const bool changed = !last || last->status != seen->status;
      std::optional<TicketStatus> previous;
      if (last && changed) previous = last->status;
      last = std::move(*seen);
      if (changed && on_event) on_event(TicketWatchEvent{*last, previous});
      if (!is_open(last->status)) {
        result.outcome = WatchOutcome::complete;
        break;
      }
      pacer.after_round(changed);
    }
    if (!pacer.wait_for_next_round()) {
      result.outcome = WatchOutcome::timeout;
      break;
    }
  }
  if (last) result.ticket = std::move(*last);
  return result;
}

}  // namespace sne
