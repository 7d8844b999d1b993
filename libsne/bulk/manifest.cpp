// The manifest of `sne bulk`: CSV (through base/csv, the one CSV reader of the library) or JSON
// Lines (through base/json_reader), read one row at a time from a bounded buffer, and each row
// checked the same way whatever its format.
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>

#include "base/csv.hpp"
#include "base/i18n.hpp"
#include "base/json_reader.hpp"
#include "base/stream.hpp"
#include "base/text.hpp"
#include "sne/bulk.hpp"
#include "sne/contexte.hpp"
#include "sne/numero.hpp"
#include "sne/text.hpp"

namespace sne::bulk {

namespace {

/// A row (CSV record or JSON line), and so any field, holds at most this: past it, reading stops.
constexpr std::size_t kMaxRow = std::size_t{1} << 20;
/// Files of one pli.
constexpr std::size_t kMaxFiles = 20;
constexpr int kMinYear = 1900, kMaxYear = 2200;
constexpr std::size_t kMaxKey = 255;

enum Column : std::size_t {
  numero_unique,
  type,
  files,
  contexte,
  date_emission,
  date_expiration,
  annee_revenus,
  pack,
  idempotency_key,
  kColumns,
};
constexpr std::array<std::string_view, kColumns> kNames{
    "numero_unique",   "type",          "files", "contexte",        "date_emission",
    "date_expiration", "annee_revenus", "pack",  "idempotency_key",
};
constexpr std::array<Column, 3> kRequired{numero_unique, type, files};

/// What a row says, column by column, before it is checked: the same for both formats.
struct Cells {
  std::array<std::string, kColumns> text;  ///< trimmed; `files` unused
  std::vector<std::string> files;          ///< the entries of `files`, trimmed, as written
  /// The first column that could not be read (a JSON value of the wrong kind, an empty path),
  /// and why, the message starting with the column's name or JSON path ("files[2]: ...").
  std::optional<std::pair<Column, std::string>> fault;
};

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && text::iequals(s.substr(s.size() - suffix.size()), suffix);
}

/// The manifest's folder, absolute, against which relative paths of files are resolved.
std::string folder_of(const std::string& manifest) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path folder = fs::absolute(fs::path(manifest), ec).parent_path();
  if (ec) folder = fs::path(manifest).parent_path();
  if (auto real = fs::canonical(folder, ec); !ec) folder = real;
  return folder.lexically_normal().string();
}

std::string resolve(const std::string& folder, const std::string& written) {
  if (!written.empty() && written.front() == '/') return written;
  if (!folder.empty() && folder.back() == '/') return folder + written;
  return folder + "/" + written;
}

/// The entries of a CSV `files` cell: paths separated by '|', each trimmed; an empty entry is a
/// fault (a doubled or trailing separator is a mistake worth naming).
void split_files(std::string_view cell, Cells& cells) {
  if (text::trim(cell).empty()) return;
  std::size_t entry = 0;
  for (;;) {
    ++entry;
    const auto bar = cell.find('|');
    const auto part = text::trim(cell.substr(0, bar));
    if (part.empty()) {
      if (!cells.fault)
        cells.fault = {files, i18n::format(N_("files: entry {} of the list is empty"), entry)};
    } else {
      cells.files.emplace_back(part);
    }
    if (bar == std::string_view::npos) break;
    cell.remove_prefix(bar + 1);
  }
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

/// ISO "YYYY-MM-DD", or "DD/MM/YYYY" as French spreadsheets export dates.
Result<Date> parse_date(std::string_view s) {
  if (s.size() == 10 && s[2] == '/' && s[5] == '/') {
    const auto d = s.substr(0, 2), m = s.substr(3, 2), y = s.substr(6, 4);
    if (all_digits(d) && all_digits(m) && all_digits(y)) {
      int day = 0, month = 0, year = 0;
      std::from_chars(d.data(), d.data() + d.size(), day);
      std::from_chars(m.data(), m.data() + m.size(), month);
      std::from_chars(y.data(), y.data() + y.size(), year);
      return Date::from_ymd(year, month, day);
    }
  }
  auto iso = Date::parse(s);
  if (iso.ok() || iso.error().subject() != "date") return iso;
  return Error(
      ErrorCode::invalid_input,
      i18n::format(N_("expected a date YYYY-MM-DD or DD/MM/YYYY, found '{}'"), printable(s)));
}

/// The row that `cells` describe, checked: the first fault becomes the row's error.
ManifestRow make_row(std::size_t number, std::size_t line, Cells cells, const std::string& folder) {
  ManifestRow row;
  row.row = number;
  row.line = line;
  auto fail_as = [&](Column c, std::string_view message) {
    if (row.error) return;
    row.error = Error(ErrorCode::invalid_input,
                      i18n::format(N_("row {} (line {}): {}"), number, line, i18n::Nested{message}),
                      std::string(kNames[c]));
  };
  auto fail = [&](Column c, std::string_view why) {
    fail_as(c, i18n::format(N_("{}: {}"), kNames[c], i18n::Nested{why}));
  };
  if (cells.fault) fail_as(cells.fault->first, cells.fault->second);
  auto& t = cells.text;

  row.numero_unique = t[numero_unique];
  if (t[numero_unique].empty()) {
    fail(numero_unique, i18n::format(N_("missing")));
  } else if (auto n = NumeroUnique::parse(t[numero_unique]); n.ok()) {
    row.numero_unique = n->str();
  } else {
    fail(numero_unique, n.error().message());
  }

  row.type = t[type];
  if (row.type.empty()) fail(type, i18n::format(N_("missing")));

  row.files_written = std::move(cells.files);
  for (const auto& f : row.files_written) row.files.push_back(resolve(folder, f));
  if (row.files.empty() && !(cells.fault && cells.fault->first == files))
    fail(files, i18n::format(N_("no file")));
  if (row.files.size() > kMaxFiles)
    fail(files, i18n::format(N_("{} files, at most {} in one pli"), row.files.size(), kMaxFiles));

  row.contexte = t[contexte];
  if (!row.contexte.empty()) {
    if (auto c = parse_contexte(row.contexte); !c.ok()) fail(contexte, c.error().message());
  }

  for (Column c : {date_emission, date_expiration}) {
    if (t[c].empty()) continue;
    auto d = parse_date(t[c]);
    if (!d.ok()) {
      fail(c, d.error().message());
      continue;
    }
    (c == date_emission ? row.date_emission : row.date_expiration) = *d;
  }
  if (row.date_emission && row.date_expiration && *row.date_expiration < *row.date_emission)
    fail(date_expiration, i18n::format(N_("{} is before date_emission {}"),
                                       row.date_expiration->iso(), row.date_emission->iso()));

  if (const auto& y = t[annee_revenus]; !y.empty()) {
    int year = 0;
    if (y.size() <= 4 && all_digits(y)) std::from_chars(y.data(), y.data() + y.size(), year);
    if (year >= kMinYear && year <= kMaxYear) {
      row.annee_revenus = year;
    } else {
      fail(annee_revenus, i18n::format(N_("expected a year from {} to {}, found '{}'"), kMinYear,
                                       kMaxYear, printable(y)));
    }
  }

  if (const std::string p = text::ascii_lower(t[pack]); !p.empty()) {
    if (p == "yes" || p == "true" || p == "1" || p == "oui") {
      row.pack = true;
    } else if (!(p == "no" || p == "false" || p == "0" || p == "non")) {
      fail(pack, i18n::format(N_("expected yes or no, found '{}'"), printable(t[pack])));
    }
  }

  row.idempotency_key = t[idempotency_key];
  if (const auto& k = row.idempotency_key; !k.empty()) {
    bool printable_ascii = k.size() <= kMaxKey;
    for (char c : k) printable_ascii = printable_ascii && c > ' ' && c <= '~';
    if (!printable_ascii)
      fail(idempotency_key, i18n::format(N_("expected 1 to {} printable ASCII characters "
                                            "without spaces, found '{}'"),
                                         kMaxKey, printable(k)));
  }
  return row;
}

Error stop(const std::string& path, std::size_t line, const std::string& why,
           ErrorCode code = ErrorCode::invalid_input) {
  return Error(code, i18n::format(N_("{}: line {}: {}"), path, line, i18n::Nested{why}), path);
}

// ---- CSV --------------------------------------------------------------------------------

class CsvManifest final : public ManifestReader {
 public:
  CsvManifest(std::string path, std::unique_ptr<stream::Input> input)
      : path_(std::move(path)), folder_(folder_of(path_)), reader_(std::move(input), options()) {}

  Status read_header() {
    csv::Record header;
    const csv::Outcome got = reader_.next(header);
    if (got == csv::Outcome::end && reader_.read_error() == 0)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("{}: empty manifest, expected a header with the columns "
                                   "numero_unique, type and files"),
                                path_),
                   path_);
    if (got != csv::Outcome::record) return fault(got, header.line);
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string name = text::ascii_lower(header.fields[i]);
      for (std::size_t c = 0; c < kColumns; ++c) {
        if (name != kNames[c]) continue;
        if (index_[c])
          return stop(path_, header.line, i18n::format(N_("column '{}' appears twice"), kNames[c]));
        index_[c] = i;
      }
    }
    for (Column c : kRequired)
      if (!index_[c])
        return stop(path_, header.line,
                    i18n::format(N_("the header lacks the column '{}' (required: "
                                    "numero_unique, type, files)"),
                                 kNames[c]));
    columns_ = header.fields.size();
    return {};
  }

  Result<std::optional<ManifestRow>> next() override {
    if (stopped_) return std::optional<ManifestRow>();
    csv::Record record;
    const csv::Outcome got = reader_.next(record);
    if (got == csv::Outcome::end && reader_.read_error() == 0) return std::optional<ManifestRow>();
    if (got != csv::Outcome::record) {
      stopped_ = true;
      return fault(got, record.line);
    }
    ++rows_;
    if (record.fields.size() != columns_) {
      ManifestRow row;
      row.row = rows_;
      row.line = record.line;
      row.error = Error(ErrorCode::invalid_input,
                        i18n::format(N_("row {} (line {}): {} fields, the header has {}"), rows_,
                                     record.line, record.fields.size(), columns_),
                        "row");
      return std::optional<ManifestRow>(std::move(row));
    }
    Cells cells;
    for (std::size_t c = 0; c < kColumns; ++c) {
      if (!index_[c]) continue;
      if (c == files)
        split_files(record.fields[*index_[c]], cells);
      else
        cells.text[c] = std::move(record.fields[*index_[c]]);
    }
    return std::optional<ManifestRow>(make_row(rows_, record.line, std::move(cells), folder_));
  }

  ManifestFormat format() const noexcept override { return ManifestFormat::csv; }
  const std::string& path() const noexcept override { return path_; }

 private:
  static csv::Options options() {
    csv::Options o;
    o.max_field = o.max_record = kMaxRow;
    return o;
  }

  Error fault(csv::Outcome got, std::size_t line) const {
    switch (got) {
      case csv::Outcome::read_error:
        return stop(path_, line,
                    i18n::format(N_("read error: {}"), std::strerror(reader_.read_error())),
                    ErrorCode::io);
      case csv::Outcome::too_long:
        return stop(path_, line,
                    i18n::format(N_("a row over {} bytes (1 MiB) or of more than {} fields; a "
                                    "quote left open?"),
                                 kMaxRow, csv::Options{}.max_fields));
      default:
        return stop(path_, line,
                    i18n::format(N_("a quoted field opened in this row is still open at the end "
                                    "of the file")));
    }
  }

  std::string path_, folder_;
  csv::Reader reader_;
  std::array<std::optional<std::size_t>, kColumns> index_{};
  std::size_t columns_ = 0, rows_ = 0;
  bool stopped_ = false;
};

// ---- JSON Lines -------------------------------------------------------------------------

/// The cells of one JSON object; each column read on its own, so that a fault in one keeps the
/// others (a report names the row's numéro and type even when its dates are wrong).
Cells cells_of(const nlohmann::json& object) {
  Cells cells;
  const json_reader::Node root(object, "");
  for (std::size_t i = 0; i < kColumns; ++i) {
    const auto c = static_cast<Column>(i);
    const auto read = json_reader::read([&] {
      const auto node = root.find(kNames[c]);
      if (!node || node->raw().is_null()) return true;
      if (c == files) {
        if (node->raw().is_string()) {
          const std::string f = node->string(true);  // trim() views it: kept alive here
          if (!text::trim(f).empty()) cells.files.emplace_back(text::trim(f));
          return true;
        }
        // No bound but the line's: too many files is the same error as in CSV, below.
        for (const auto& item : node->items(kMaxRow)) {
          const std::string f = item.string(true);
          if (text::trim(f).empty()) item.fail(i18n::format(N_("an empty path")));
          cells.files.emplace_back(text::trim(f));
        }
      } else if (c == annee_revenus && node->raw().is_number()) {
        cells.text[c] = std::to_string(node->integer(kMinYear, kMaxYear));
      } else if (c == pack && node->raw().is_boolean()) {
        cells.text[c] = node->boolean() ? "yes" : "no";
      } else {
        cells.text[c] = std::string(text::trim(node->string(true)));
      }
      return true;
    });
    if (!read.ok() && !cells.fault) cells.fault = {c, read.error().message()};
  }
  return cells;
}

class JsonlManifest final : public ManifestReader {
 public:
  JsonlManifest(std::string path, std::unique_ptr<stream::Input> input)
      : path_(std::move(path)), folder_(folder_of(path_)), input_(std::move(input)) {}

  Result<std::optional<ManifestRow>> next() override {
    if (stopped_) return std::optional<ManifestRow>();
    std::string text;
    for (;;) {
      const auto got = input_->read_line(text, kMaxRow);
      if (input_->error() != 0) {
        stopped_ = true;
        return stop(path_, line_ + 1,
                    i18n::format(N_("read error: {}"), std::strerror(input_->error())),
                    ErrorCode::io);
      }
      if (got == stream::Input::Line::end) return std::optional<ManifestRow>();
      ++line_;
      if (got == stream::Input::Line::too_long) {
        stopped_ = true;
        return stop(path_, line_, i18n::format(N_("a line over {} bytes"), kMaxRow));
      }
      if (!text::trim(text).empty()) break;
    }
    ++rows_;
    nlohmann::json object;
    Status parsed = json_reader::parse(text, object);
    if (parsed.ok() && !object.is_object())
      parsed =
          Error(ErrorCode::invalid_input,
                i18n::format(N_("expected a JSON object, found {}"), object.type_name()), "json");
    if (!parsed.ok()) {
      ManifestRow row;
      row.row = rows_;
      row.line = line_;
      std::string why = parsed.error().message();
      if (why.rfind("line 1, ", 0) == 0) {  // the line is the row's
        // The translation starts with its own "line 1, ": dropped from it too.
        const std::string translated = localized(why);
        why.erase(0, 8);
        if (const auto comma = translated.find(", ");
            translated != parsed.error().message() && comma != std::string::npos)
          i18n::remember(why, translated.substr(comma + 2));
      }
      row.error =
          Error(ErrorCode::invalid_input,
                i18n::format(N_("row {} (line {}): {}"), rows_, line_, i18n::Nested{why}), "json");
      return std::optional<ManifestRow>(std::move(row));
    }
    return std::optional<ManifestRow>(make_row(rows_, line_, cells_of(object), folder_));
  }

  ManifestFormat format() const noexcept override { return ManifestFormat::jsonl; }
  const std::string& path() const noexcept override { return path_; }

 private:
  std::string path_, folder_;
  std::unique_ptr<stream::Input> input_;
  std::size_t line_ = 0, rows_ = 0;
  bool stopped_ = false;
};

}  // namespace

Result<std::unique_ptr<ManifestReader>> ManifestReader::open(const std::string& path) {
  auto input = stream::Input::open(path);
  if (!input) return input.error();
  if (ends_with_ci(path, ".jsonl") || ends_with_ci(path, ".ndjson"))
    return std::unique_ptr<ManifestReader>(
        std::make_unique<JsonlManifest>(path, std::move(*input)));
  auto csv = std::make_unique<CsvManifest>(path, std::move(*input));
  if (auto header = csv->read_header(); !header.ok()) return header.error();
  return std::unique_ptr<ManifestReader>(std::move(csv));
}

}  // namespace sne::bulk
