// Fuzz target: a bulk manifest, read both as CSV and as JSON Lines (the same bytes, written to a
// file of each extension), never crashes the reader or makes it loop; refusals are invalid_input;
// rows are numbered 1, 2, 3... at increasing lines; a row without an error is one the runner can
// send (a canonical numéro, a type, 1 to 20 absolute paths, a year in range); after a stop, the
// reader ends. Every good row, written to a report of the same format and read back, gives the
// same row. The CSV tokenizer is also run from memory with small limits, in both modes (the
// fiche manifest's one-line records too): fields and records stay within them.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"

#include "base/csv.hpp"
#include "sne/bulk.hpp"
#include "sne/numero.hpp"

using sne::fuzz::require;
using namespace sne::bulk;

namespace {

/// A private folder for this process's files, removed at exit. Held by a pointer that is never
/// freed, so that it outlives the exit handler that removes the folder.
const std::string& work_dir() {
  static const std::string* const dir = [] {
    const char* tmp = std::getenv("TMPDIR");
    auto* path = new std::string(std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                                 "/sne-fuzz-manifest-XXXXXX");
    require(::mkdtemp(path->data()) != nullptr);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(work_dir(), ignored);
    });
    return path;
  }();
  return *dir;
}

void write(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  require(static_cast<bool>(out));
}

RowOutcome outcome_of(const ManifestRow& row) {
  RowOutcome o;
  o.row = row.row;
  o.numero_unique = row.numero_unique;
  o.type = row.type;
  o.files = row.files;
  o.status = RowStatus::failed_permanent;
  o.message = "fuzz";
  o.contexte = row.contexte;
  o.date_emission = row.date_emission;
  o.date_expiration = row.date_expiration;
  o.annee_revenus = row.annee_revenus;
  o.idempotency_key = row.idempotency_key;
  return o;
}

bool same(const ManifestRow& a, const ManifestRow& b) {
  return a.numero_unique == b.numero_unique && a.type == b.type && a.files == b.files &&
         a.contexte == b.contexte && a.date_emission == b.date_emission &&
         a.date_expiration == b.date_expiration && a.annee_revenus == b.annee_revenus &&
         a.idempotency_key == b.idempotency_key;
}

/// Reads `path` to the end under the invariants; the good rows.
std::vector<ManifestRow> read_manifest(const std::string& path) {
  std::vector<ManifestRow> good;
  auto opened = ManifestReader::open(path);
  if (!opened.ok()) {
    require(opened.error().code() == sne::ErrorCode::invalid_input);
    return good;
  }
  ManifestReader& m = **opened;
  std::size_t rows = 0, line = 0;
  for (;;) {
    auto next = m.next();
    if (!next.ok()) {
      require(next.error().code() == sne::ErrorCode::invalid_input);
      auto after = m.next();
      require(after.ok() && !after->has_value());
      break;
    }
    if (!next->has_value()) break;
    const ManifestRow& row = **next;
    require(row.row == ++rows);
    require(row.line > line);
    line = row.line;
    require(row.files.size() == row.files_written.size());
    if (row.error) {
      require(row.error->code() == sne::ErrorCode::invalid_input);
      require(row.error->message().rfind("row " + std::to_string(row.row) + " (line ", 0) == 0);
      continue;
    }
    auto numero = sne::NumeroUnique::parse(row.numero_unique);
    require(numero.ok() && numero->str() == row.numero_unique);
    require(!row.type.empty());
    require(!row.files.empty() && row.files.size() <= 20);
    for (const auto& f : row.files) require(!f.empty() && f.front() == '/');
    require(!row.annee_revenus || (*row.annee_revenus >= 1900 && *row.annee_revenus <= 2200));
    good.push_back(row);
  }
  return good;
}

void round_trip(const std::vector<ManifestRow>& rows, const std::string& report) {
  if (rows.empty()) return;
  auto writer = ReportWriter::open(report);
  require(writer.ok());
  for (const auto& row : rows) require((*writer)->add(outcome_of(row)).ok());
  require((*writer)->close().ok());
  const auto again = read_manifest(report);
  require(again.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) require(same(rows[i], again[i]));
}

void tokenize(std::string_view input, bool line_breaks_in_quotes) {
  sne::csv::Options options;
  options.line_breaks_in_quotes = line_breaks_in_quotes;
  options.max_field = 16;
  options.max_record = 48;
  options.max_fields = 6;
  sne::csv::Reader reader(sne::stream::Input::from_string(std::string(input)), options);
  sne::csv::Record record;
  std::size_t line = 0;
  for (std::size_t calls = 0;; ++calls) {
    require(calls <= input.size() + 1);  // every call consumes input, or ends
    const auto got = reader.next(record);
    require(record.line >= line);
    line = record.line;
    if (got == sne::csv::Outcome::end) break;
    require(got != sne::csv::Outcome::read_error);
    if (got != sne::csv::Outcome::record) {
      require(record.fields.empty());
      continue;
    }
    require(!record.fields.empty() && record.fields.size() <= options.max_fields);
    for (const auto& f : record.fields) require(f.size() <= options.max_field);
  }
  require(reader.peak_record_bytes() <= options.max_record + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tokenize(input, true);
  tokenize(input, false);
  const std::string& dir = work_dir();
  write(dir + "/m.csv", input);
  round_trip(read_manifest(dir + "/m.csv"), dir + "/report.csv");
  write(dir + "/m.jsonl", input);
  round_trip(read_manifest(dir + "/m.jsonl"), dir + "/report.jsonl");
  return 0;
}
