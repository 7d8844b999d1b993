// Attachments: checked before anything is sent, uploaded as multipart parts streamed from
// disk, and the empty Document of a refused upload purged (GLPI makes it anyway).
#include "glpi/documents.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "base/file.hpp"
#include "base/i18n.hpp"
#include "glpi/errors.hpp"
#include "glpi/html.hpp"
#include "glpi/rows.hpp"
#include "sne/text.hpp"

namespace sne {

namespace glpi {

using nlohmann::json;

std::string mime_of(std::string_view filename) {
  const auto dot = filename.rfind('.');
  const std::string ext = fold_name(dot == std::string_view::npos ? "" : filename.substr(dot + 1));
  if (ext == "pdf") return "application/pdf";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "png") return "image/png";
  if (ext == "txt" || ext == "log") return "text/plain";
  return "application/octet-stream";
}

Result<TicketDocument> upload_document(Session& session, std::int64_t ticket,
                                       const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string filename = slash == std::string::npos ? path : path.substr(slash + 1);
  const json manifest = {{"input",
                          {{"name", filename},
                           {"_filename", json::array({filename})},
                           {"itemtype", "Ticket"},
                           {"items_id", ticket}}}};
  http::Request request;
  request.method = "POST";
  request.target = session.prefix() + "/Document/";
  request.parts.push_back({"uploadManifest", "", "application/json", manifest.dump(), ""});
  request.parts.push_back({"filename[0]", filename, mime_of(filename), "", path});
  auto response = session.exchange(std::move(request));
  if (!response)
    return response.error().code() == ErrorCode::io ? Error(response.error())
                                                    : Error(response.error()).prefixed(filename);
  json doc;
  if (auto ok = session.parse_body(*response, doc); !ok) return ok.error();
  if (response->status >= 300) return Error(session.error_of(*response, doc)).prefixed(filename);
  const std::int64_t id = doc.is_object() ? loose_int(doc.value("id", json())) : 0;
  if (id <= 0)
    return session.unexpected(*response,
                              i18n::format(N_("an upload without the id of its document")));
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
    auto purged = session.send("DELETE", fmt::format("/Document/{}?force_purge=true", id), nullptr);
    const bool left = !purged || purged->status >= 300;
    return Error(ErrorCode::invalid_input,
                 left ? i18n::format(N_("{}: GLPI refused the file: {} (and the empty document {} "
                                        "it made could not be purged)"),
                                     filename, refusal, id)
                      : i18n::format(N_("{}: GLPI refused the file: {}"), filename, refusal),
                 path)
        .with_http(response->status);
  }
  TicketDocument d;
  d.id = id;
  d.name = filename;
  d.filename = filename;
  d.mime = mime_of(filename);
  return d;
}

}  // namespace glpi

Status check_glpi_attachment(const std::string& path, std::uint64_t max_bytes) {
  auto size = file::check_readable(path);
  if (!size) return size.error();
  if (*size > max_bytes)
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("{}: {} is over the {} an attachment may weigh"), path,
                     i18n::Nested{format_size(*size)}, i18n::Nested{format_size(max_bytes)}),
        path);
  return Status();
}

}  // namespace sne
