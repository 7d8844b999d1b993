// Documents of the sandbox's GLPI: files of a multipart body through GLPI's upload handler
// (GLPIUploadHandler over jQuery-File-Upload's UploadHandler: a random prefix, the extensions
// of GLPI's document types, the size limit), the Document they make (Document::
// prepareInputForAdd: an empty Document when the file was refused, unless it was to be linked
// to an item), the download and the purge.
#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "base/text.hpp"
#include "crypto/crypto.hpp"
#include "sandbox/glpi_types.hpp"

namespace sne::sandbox::glpi {

namespace {

struct DocumentType {
  std::string_view ext;
  std::string_view mime;
};

/// The uploadable types of GLPI's default document types that a support ticket needs; others
/// (.exe, .sh, .php...) are refused as "Filetype not allowed".
constexpr std::array kDocumentTypes{
    DocumentType{"pdf", "application/pdf"},
    DocumentType{"jpg", "image/jpeg"},
    DocumentType{"jpeg", "image/jpeg"},
    DocumentType{"png", "image/png"},
    DocumentType{"gif", "image/gif"},
    DocumentType{"txt", "text/plain"},
    DocumentType{"csv", "text/csv"},
    DocumentType{"odt", "application/vnd.oasis.opendocument.text"},
    DocumentType{"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    DocumentType{"doc", "application/msword"},
    DocumentType{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    DocumentType{"xls", "application/vnd.ms-excel"},
    DocumentType{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    DocumentType{"zip", "application/zip"},
};

/// The extension after the last dot, lower-case; empty without one.
std::string extension(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos ? std::string() : text::ascii_lower(name.substr(dot + 1));
}

const DocumentType* document_type(const std::string& name) {
  const std::string ext = extension(name);
  for (const auto& t : kDocumentTypes)
    if (t.ext == ext) return &t;
  return nullptr;
}

/// A number from random bytes, below `bound`.
std::uint64_t random_below(std::uint64_t bound) {
  return std::stoull(crypto::random_hex(7), nullptr, 16) % bound;
}

/// PHP's uniqid('', true): 13 hex digits, then a digit, a dot and 8 digits.
std::string uniqid() {
  return fmt::format("{}{}.{:08}", crypto::random_hex(7).substr(0, 13), random_below(10),
                     random_below(100000000));
}

/// Toolbox::getSize: "512 o", "12.35 Kio".
std::string human_size(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 5> kUnits{"o", "Kio", "Mio", "Gio", "Tio"};
  auto size = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (size > 1024 && unit + 1 < kUnits.size()) {
    size /= 1024;
    ++unit;
  }
  std::string number = fmt::format("{:.2f}", std::round(size * 100) / 100);
  while (number.back() == '0') number.pop_back();
  if (number.back() == '.') number.pop_back();
  return fmt::format("{} {}", number, kUnits[unit]);
}

/// basename() and the trim of UploadHandler::trim_file_name.
std::string clean_name(const std::string& name) {
  std::string base =
      name.substr(name.find_last_of("/\\") == std::string::npos ? 0 : name.find_last_of("/\\") + 1);
  const auto first = base.find_first_not_of(". \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = base.find_last_not_of(". \t\r\n");
  return base.substr(first, last - first + 1);
}

/// At most `max` characters (not bytes) of `text`, then "&nbsp;(...)": Html::resume_text.
std::string resume_text(const std::string& text, std::size_t max) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max) return text.substr(0, i) + "&nbsp;(...)";
  }
  return text;
}

/// Rule::getUuid: a version 4 UUID.
std::string uuid() {
  const std::string h = crypto::random_hex(16);
  return fmt::format("{}-{}-4{}-8{}-{}", h.substr(0, 8), h.substr(8, 4), h.substr(13, 3),
                     h.substr(17, 3), h.substr(20, 12));
}

std::string_view type_name(std::string_view itemtype) {
  if (itemtype == "ITILFollowup") return "Followup";
  if (itemtype == "ITILCategory") return "Ticket category";
  if (itemtype == "Document_Item") return "Document item";
  return itemtype;
}

Added failed(std::string message) { return {std::nullopt, std::move(message)}; }

}  // namespace

void manage_uploads(Call& call) {
  // PHP's $_FILES: one key per field name before its brackets ("filename[0]": "filename").
  std::vector<std::string> keys;
  for (const auto& part : call.request.parts) {
    if (part.filename.empty()) continue;
    std::string key = part.name.substr(0, part.name.find('['));
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    Upload u;
    u.key = std::move(key);
    u.prefix = uniqid();
    u.display = clean_name(part.filename);
    u.name = u.prefix + u.display;
    u.type = part.content_type;
    u.data = &part.data;
    const auto size = static_cast<std::int64_t>(part.data.size());
    // UploadHandler::validate: the type first, then the size.
    if (document_type(u.display) == nullptr)
      u.error = "Filetype not allowed";
    else if (size > call.knobs.max_upload)
      u.error = "File is too big";
    else if (size < 1)
      u.error = "File is too small";
    call.uploads.push_back(std::move(u));
  }
  json& input = call.params["input"];
  input["_filename"] = json::array();
  input["_prefix_filename"] = json::array();
  for (const auto& key : keys) {
    json files = json::array();
    for (const auto& u : call.uploads) {
      if (u.key != key) continue;
      json file = {{"name", u.name}, {"size", u.data->size()}, {"type", u.type}};
      if (!u.error.empty()) {
        file["error"] = u.error;
      } else {
        const std::string site = call.api_url.substr(0, call.api_url.rfind('/'));
        file["url"] = fmt::format("{}/files/{}", site, http::percent_encode(u.name));
        file["deleteUrl"] = fmt::format("{}?{}={}", call.api_url, key.substr(0, key.size() - 1),
                                        http::percent_encode(u.name));
        file["deleteType"] = "DELETE";
      }
      file["prefix"] = u.prefix;
      file["display"] = u.display;
      file["filesize"] = human_size(u.data->size());
      file["id"] = fmt::format("doc{}{}", key, random_below(2147483648U));
      if (files.empty()) {
        input["_filename"].push_back(u.name);
        input["_prefix_filename"].push_back(u.prefix);
      }
      files.push_back(std::move(file));
    }
    call.upload_results.push_back(json{{key, std::move(files)}});
  }
}

Added add_document(Call& call, json& input) {
  const std::int64_t me = call.me().id;
  const auto item_it = input.find("itemtype");
  const ItemType* item_type = item_it != input.end() && item_it->is_string()
                                  ? find_type(item_it->get<std::string>())
                                  : nullptr;
  const auto items_id = as_int(input.value("items_id", json()));
  // Document::prepareInputForAdd: a document made for an item is named after it.
  const bool from_item = item_type != nullptr && items_id && *items_id > 0;
  std::string name;
  if (const auto it = input.find("name"); it != input.end() && it->is_string())
    name = it->get<std::string>();
  if (from_item) {
    if (!visible(call, *item_type, *items_id)) return failed(std::string(kNoRight));
    std::string item_name = "N/A";
    if (item_type->name == "Ticket") {
      auto st = call.db.prepare("SELECT name FROM glpi_tickets WHERE id = ?");
      st.bind(*items_id);
      if (st.step()) item_name = st.text(0);
    }
    name =
        resume_text(fmt::format("Document: {} - {}", type_name(item_type->name), item_name), 200);
  }

  // The first uploaded file, moved into the document; a refused one was never stored.
  const Upload* file = nullptr;
  std::string message;
  const auto names = input.find("_filename");
  if (names != input.end() && names->is_array() && !names->empty() && (*names)[0].is_string()) {
    const std::string wanted = (*names)[0].get<std::string>();
    std::string shown_name = wanted;
    for (const auto& u : call.uploads)
      if (u.name == wanted) {
        shown_name = u.display;
        if (u.error.empty()) file = &u;
      }
    message = file != nullptr ? "Document copy succeeded."
                              : fmt::format("File {} not found.", shown_name);
  }
  if (from_item && file == nullptr) return failed(message);  // upload failed: no document

  std::optional<std::string> filename, filepath, mime, sha1;
  if (file != nullptr) {
    filename = file->display;
    const DocumentType* type = document_type(file->display);
    mime = std::string(type->mime);
    sha1 = crypto::sha1_hex(*file->data);
    const std::string ext = text::ascii_upper(type->ext);  // Document::isValidDoc
    filepath = fmt::format("{}/{}/{}.{}", ext, sha1->substr(0, 2), sha1->substr(2), ext);
    if (name.empty()) name = *filename;
  }
  auto st = call.db.prepare(
      "INSERT INTO glpi_documents (name, filename, filepath, mime, sha1sum, tag, users_id, "
      "content, date_mod, date_creation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(name, filename, filepath, mime, sha1, uuid(), me);
  if (file != nullptr)
    st.bind_at(8, Blob{*file->data});
  else
    st.bind_at(8, std::nullopt);
  st.bind_at(9, call.now).bind_at(10, call.now);
  st.step();
  const std::int64_t id = call.db.last_insert_rowid();
  // Document::post_addItem links it to its item.
  if (from_item)
    call.db.run(
        "INSERT INTO glpi_documents_items (documents_id, itemtype, items_id, users_id, date_mod, "
        "date_creation) VALUES (?, ?, ?, ?, ?, ?)",
        id, item_type->name, *items_id, me, call.now, call.now);
  return {id, added_message(name)};
}

bool may_delete_document(Call& call, std::int64_t id) {
  auto st = call.db.prepare("SELECT 1 FROM glpi_documents WHERE id = ? AND users_id = ?");
  st.bind(id, call.me().id);
  return st.step();
}

std::string remove_document(Call& call, std::int64_t id, bool force_purge) {
  if (!force_purge) {  // to the trash
    call.db.run("UPDATE glpi_documents SET is_deleted = 1, date_mod = ? WHERE id = ?", call.now,
                id);
    return {};
  }
  std::string message;
  auto st = call.db.prepare(
      "SELECT filepath, (SELECT count(*) FROM glpi_documents o WHERE o.sha1sum = d.sha1sum) "
      "FROM glpi_documents d WHERE id = ?");
  st.bind(id);
  // Document::cleanDBonPurge: the file goes when no other document holds the same content.
  if (st.step() && !st.is_null(0) && st.int64(1) <= 1)
    message = fmt::format("Successful deletion of the file {}", st.text(0));
  call.db.run("DELETE FROM glpi_documents_items WHERE documents_id = ?", id);
  call.db.run("DELETE FROM glpi_documents WHERE id = ?", id);
  return message;
}

Reply download_document(Call& call, std::int64_t id) {
  auto st = call.db.prepare("SELECT filename, mime, content FROM glpi_documents WHERE id = ?");
  st.bind(id);
  // An empty document has no file to send.
  if (!st.step() || st.is_null(2)) refuse(404, "ERROR_ITEM_NOT_FOUND", "Item not found");
  const std::string filename = st.text(0);
  std::string quoted = filename;  // a header value: no quote, backslash or control character
  for (char& c : quoted)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '_';
  Reply reply;
  reply.raw = st.text(2);
  reply.headers = {
      {"Content-Type", st.text(1)},
      {"Content-Disposition", fmt::format("attachment; filename=\"{}\"; filename*=utf-8''{}",
                                          quoted, http::percent_encode(filename))},
      {"Cache-Control", "private, must-revalidate"}};
  return reply;
}

}  // namespace sne::sandbox::glpi
