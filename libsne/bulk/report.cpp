// The report of `sne bulk`: one row per manifest row, CSV or JSON Lines, written through
// base/atomic_file (mode 0600, a temporary file given its name at close), and readable again as a
// manifest: it carries every column that ManifestReader reads, the extra ones being ignored there.
#include <array>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "base/atomic_file.hpp"
#include "base/i18n.hpp"
#include "base/text.hpp"
#include "sne/bulk.hpp"
#include "sne/json.hpp"

namespace sne::bulk {

std::string_view to_string(RowStatus status) noexcept {
  switch (status) {
    case RowStatus::pending: return "pending";
    case RowStatus::sent: return "sent";
    case RowStatus::already_sent: return "already_sent";
    case RowStatus::failed_permanent: return "failed_permanent";
    case RowStatus::failed_transient: return "failed_transient";
    case RowStatus::skipped: return "skipped";
  }
  return "pending";
}

namespace {

constexpr std::string_view kHeader =
    "row,numero_unique,type,files,status,transaction,error_code,message,attempts,contexte,"
    "date_emission,date_expiration,annee_revenus,pack,idempotency_key\n";

bool is_jsonl(std::string_view path) {
  for (std::string_view ext : {".jsonl", ".ndjson"})
    if (path.size() >= ext.size() && text::iequals(path.substr(path.size() - ext.size()), ext))
      return true;
  return false;
}

/// Absolute, so that the report reads the same files again from any folder.
std::string absolute(const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return ec ? path : abs.string();
}

/// RFC 4180: quoted when it holds a separator, a quote or a line break, or when white space at
/// either end would be trimmed by a reader.
void put_csv(std::string& out, std::string_view field) {
  const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                     (!field.empty() && text::trim(field).size() != field.size());
  if (!quote) {
    out += field;
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string date_text(const std::optional<Date>& d) { return d ? d->iso() : std::string(); }

std::string csv_line(const RowOutcome& o) {
  std::string files;
  for (const auto& f : o.files) {
    if (!files.empty()) files += '|';
    files += absolute(f);
  }
  const std::array<std::string, 15> fields{
      std::to_string(o.row),
      o.numero_unique,
      o.type,
      files,
      std::string(to_string(o.status)),
      o.transaction,
      o.error_code,
      o.message,
      std::to_string(o.attempts),
      o.contexte,
      date_text(o.date_emission),
      date_text(o.date_expiration),
      o.annee_revenus ? std::to_string(*o.annee_revenus) : std::string(),
      o.pack ? "yes" : "",
      o.idempotency_key,
  };
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    put_csv(line, fields[i]);
  }
  line += '\n';
  return line;
}

std::string jsonl_line(const RowOutcome& o) { return to_json(o).dump(-1) + "\n"; }

class ReportFile final : public ReportWriter {
 public:
  ReportFile(std::unique_ptr<file::AtomicFile> file, bool jsonl)
      : file_(std::move(file)), jsonl_(jsonl) {}

  Status add(const RowOutcome& outcome) override {
    if (closed_)
      return Error(ErrorCode::internal,
                   i18n::format(N_("{}: report already closed"), file_->path()), file_->path());
    if (!file_->write(jsonl_ ? jsonl_line(outcome) : csv_line(outcome))) return file_->status();
    return {};
  }

  Status close() override {
    if (closed_)
      return Error(ErrorCode::internal,
                   i18n::format(N_("{}: report already closed"), file_->path()), file_->path());
    closed_ = true;
    return file_->commit();
  }

 private:
  std::unique_ptr<file::AtomicFile> file_;
  bool jsonl_;
  bool closed_ = false;
};

}  // namespace

Json to_json(const RowOutcome& o) {
  Json files = Json::array();
  for (const auto& f : o.files) files.push(absolute(f));
  auto date = [](const std::optional<Date>& d) { return d ? Json(d->iso()) : Json(); };
  return Json::object()
      .set("row", o.row)
      .set("numero_unique", o.numero_unique)
      .set("type", o.type)
      .set("files", std::move(files))
      .set("status", to_string(o.status))
      .set("transaction", o.transaction)
      .set("error_code", o.error_code)
      .set("message", o.message)
      .set("attempts", o.attempts)
      .set("contexte", o.contexte)
      .set("date_emission", date(o.date_emission))
      .set("date_expiration", date(o.date_expiration))
      .set("annee_revenus", o.annee_revenus ? Json(*o.annee_revenus) : Json())
      .set("pack", o.pack)
      .set("idempotency_key", o.idempotency_key);
}

Json to_json(const Summary& s) {
  const double seconds = static_cast<double>(s.duration.count()) / 1000.0;
  Json doc =
      Json::object()
          .set("rows", s.rows)
          .set("sent", s.sent)
          .set("already_sent", s.already_sent)
          .set("failed_permanent", s.failed_permanent)
          .set("failed_transient", s.failed_transient)
          .set("skipped", s.skipped)
          .set("pending", s.pending)
          .set("bytes", s.bytes)
          .set("duration_ms", static_cast<std::int64_t>(s.duration.count()))
          .set("plis_per_second", s.plis_per_second)
          .set("bytes_per_second", seconds > 0 ? static_cast<double>(s.bytes) / seconds : 0.0);
  if (!s.journal.empty()) doc.set("journal", s.journal);
  if (s.stopped)
    doc.set("stopped", Json::object()
                           .set("code", to_string(s.stopped->code()))
                           .set("message", s.stopped->message()));
  else
    doc.set("stopped", nullptr);
  return doc;
}

Json to_json(const JournalInfo& j) {
  Json doc = to_json(j.summary);
  doc.set("journal", j.path)
      .set("manifest", j.manifest)
      .set("manifest_sha256", j.manifest_sha256)
      .set("endpoint", j.endpoint)
      .set("shard", j.shard ? Json(format_shard(j.shard)) : Json())
      .set("created_at", j.created_at)
      .set("updated_at", j.updated_at)
      .set("finished", j.finished);
  return doc;
}

Result<std::unique_ptr<ReportWriter>> ReportWriter::open(const std::string& path) {
  auto file = file::AtomicFile::create(path, /*overwrite=*/true);
  if (!file) return file.error();
  const bool jsonl = is_jsonl(path);
  if (!jsonl && !(*file)->write(kHeader)) return (*file)->status().error();
  return std::unique_ptr<ReportWriter>(std::make_unique<ReportFile>(std::move(*file), jsonl));
}

}  // namespace sne::bulk
