// Internal: files sent to GLPI as documents linked to a ticket.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "glpi/session.hpp"
#include "sne/glpi.hpp"

namespace sne::glpi {

/// The MIME type sent for a file, from its extension.
std::string mime_of(std::string_view filename);

/// Uploads the file at `path` through GLPI's upload handler as a Document linked to
/// `ticket`, its part streamed from disk. Preconditions: the file was checked
/// (check_glpi_attachment) and the ticket is the user's. When GLPI refuses the file
/// (upload_result), the empty document it made anyway is purged and the error carries GLPI's
/// reason.
Result<TicketDocument> upload_document(Session& session, std::int64_t ticket,
                                       const std::string& path);

}  // namespace sne::glpi
