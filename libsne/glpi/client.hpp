// Internal: the GLPI client over any Transport, for open_glpi() and for tests that script
// GLPI's answers.
#pragma once

#include <memory>
#include <string>

#include "http/message.hpp"
#include "sne/glpi.hpp"

namespace sne::glpi {

/// The calls of ticket follow-up, which sne::Glpi lacks (its virtual functions are part of
/// libsne's ABI): the client implements them beside Glpi, and the free functions of
/// sne/glpi.hpp (ticket_summary, search_tickets, add_solution, approve_solution) reach them
/// through dynamic_cast.
class FollowUp {
 public:
  virtual ~FollowUp() = default;
  virtual Result<Ticket> ticket_summary(std::int64_t id) = 0;
  virtual Result<TicketList> search_tickets(const GlpiSearch& search) = 0;
  virtual Result<std::int64_t> add_solution(std::int64_t ticket, std::string_view text) = 0;
  virtual Result<std::int64_t> approve_solution(std::int64_t ticket, std::string_view text) = 0;
};

/// A client of the GLPI at `url` (for messages), sending targets `prefix` + "/initSession"...
/// through `transport`, with the credentials of `options` (used as given: no sandbox default).
std::unique_ptr<Glpi> make_client(std::string url, std::string prefix,
                                  std::unique_ptr<http::Transport> transport, GlpiOptions options);

}  // namespace sne::glpi
