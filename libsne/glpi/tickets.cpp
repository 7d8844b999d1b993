// The rules of tickets above any one GLPI: a request completed by a pli's draft, a ticket
// created then given its files with one outcome per file, which errors end a batch of files,
// the check of credentials; the names of GLPI's types and statuses.
#include <array>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/glpi.hpp"
#include "sne/text.hpp"

namespace sne {

namespace {

constexpr std::array<std::pair<TicketType, std::string_view>, 2> kTicketTypes{{
    {TicketType::incident, "incident"},
    {TicketType::request, "request"},
}};

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace

std::string_view to_string(TicketType type) noexcept {
  for (const auto& [t, name] : kTicketTypes)
    if (t == type) return name;
  return "incident";
}

std::optional<TicketType> parse_ticket_type(std::string_view name) noexcept {
  for (const auto& [t, n] : kTicketTypes)
    if (n == name) return t;
  return std::nullopt;
}

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

Result<TicketRequest> complete_ticket(TicketRequest request, const TicketDraft* draft) {
  if (draft != nullptr) {
    if (request.title.empty()) request.title = draft->title;
    if (!draft->body.empty())
      request.body = blank(request.body) ? draft->body : request.body + "\n\n" + draft->body;
    if (request.category.empty()) request.category = draft->category;
  }
  if (request.title.empty())
    return Error(ErrorCode::invalid_input, i18n::format(N_("no title")), "title");
  if (request.category.empty())
    return Error(ErrorCode::invalid_input,
                 // Only a draft made from the pli tells what state it is in.
                 request.pli.empty() || draft == nullptr
                     ? i18n::format(N_("no category"))
                     : i18n::format(N_("pli {} is neither overdue nor rejected: no category "
                                       "follows from it"),
                                    printable(request.pli, std::string::npos)),
                 "category");
  return request;
}

std::size_t AttachReport::attached() const noexcept {
  std::size_t n = 0;
  for (const auto& f : files) n += f.document.has_value();
  return n;
}

std::size_t AttachReport::failed() const noexcept {
  std::size_t n = 0;
  for (const auto& f : files) n += f.error.has_value();
  return n;
}

namespace {

AttachOutcome attach_one(Glpi& glpi, std::int64_t ticket, const std::string& path) {
  AttachOutcome outcome;
  outcome.path = path;
  if (auto doc = glpi.attach(ticket, path))
    outcome.document = std::move(*doc);
  else
    outcome.error = doc.error();
  return outcome;
}

}  // namespace

Result<CreatedTicket> submit_ticket(Glpi& glpi, const TicketRequest& request) {
  for (const auto& path : request.attachments)
    if (auto ok = check_glpi_attachment(path, glpi.max_attachment()); !ok) return ok.error();
  auto category = glpi.category(request.category);
  if (!category) return category.error();
  TicketInput input;
  input.title = request.title;
  input.body = request.body;
  input.category_id = category->id;
  input.type = request.type;
  input.urgency = request.urgency;
  auto id = glpi.create_ticket(input);
  if (!id) return id.error();
  CreatedTicket out;
  out.id = *id;
  out.title = request.title;
  out.category = std::move(*category);
  out.pli = request.pli;
  out.attachments.ticket = *id;
  // The ticket exists from here: a file that fails is an outcome, the others still sent.
  for (const auto& path : request.attachments)
    out.attachments.files.push_back(attach_one(glpi, *id, path));
  return out;
}

bool stops_attach_batch(const Error& error) noexcept {
  switch (error.code()) {
    case ErrorCode::not_found:
    case ErrorCode::unauthenticated:
    case ErrorCode::network: return true;
    default: return false;
  }
}

Result<AttachReport> attach_files(Glpi& glpi, std::int64_t ticket,
                                  const std::vector<std::string>& paths,
                                  const std::function<void(const AttachOutcome&)>& on_file) {
  for (const auto& path : paths)
    if (auto ok = check_glpi_attachment(path, glpi.max_attachment()); !ok) return ok.error();
  AttachReport report;
  report.ticket = ticket;
  for (const auto& path : paths) {
    AttachOutcome outcome = attach_one(glpi, ticket, path);
    if (outcome.error && stops_attach_batch(*outcome.error)) return *outcome.error;
    if (on_file) on_file(outcome);
    report.files.push_back(std::move(outcome));
  }
  return report;
}

Status check_glpi_credentials(Glpi& glpi) {
  if (auto categories = glpi.categories(); !categories) return categories.error();
  return glpi.close();
}

}  // namespace sne
