// Fiche manifests (CSV), and the atomic write of a fiche through base/atomic_file.
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "base/atomic_file.hpp"
#include "base/csv.hpp"
#include "base/i18n.hpp"
#include "base/text.hpp"
#include "sne/fiche.hpp"

namespace sne {

namespace {

constexpr std::size_t kMaxLine = std::size_t{64} * 1024;

/// A fiche manifest's records are one line each: a quote left open breaks its line only.
csv::Options fiche_csv() {
  csv::Options o;
  o.line_breaks_in_quotes = false;
  o.max_field = o.max_record = kMaxLine;
  return o;
}

}  // namespace

struct FicheManifest::Impl {
  std::string path;
  std::unique_ptr<csv::Reader> reader;
  std::size_t line = 0;
  std::size_t columns = 0;
  int numero = -1, contexte = -1, depot = -1;
};

FicheManifest::FicheManifest(Impl* impl) : impl_(impl) {}
FicheManifest::FicheManifest(FicheManifest&& other) noexcept : impl_(other.impl_) {
  other.impl_ = nullptr;
}
FicheManifest& FicheManifest::operator=(FicheManifest&& other) noexcept {
  std::swap(impl_, other.impl_);
  return *this;
}
FicheManifest::~FicheManifest() { delete impl_; }

Result<FicheManifest> FicheManifest::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  auto input = stream::Input::open(path);
  if (!input) return input.error();
  impl->reader = std::make_unique<csv::Reader>(std::move(*input), fiche_csv());
  csv::Record header;
  const csv::Outcome got = impl->reader->next(header);
  impl->line = header.line;
  if (got == csv::Outcome::read_error)
    return Error(ErrorCode::io,
                 fmt::format("{}: {}", path, std::strerror(impl->reader->read_error())), path);
  if (got == csv::Outcome::end)
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("{}: empty manifest, expected the header numero_unique,contexte"), path),
        path);
  if (got != csv::Outcome::record)
    return Error(
        ErrorCode::invalid_input,
        got == csv::Outcome::too_long
            ? i18n::format(N_("{}: line {}: longer than {} bytes"), path, impl->line, kMaxLine)
            : i18n::format(N_("{}: line {}: broken quoting"), path, impl->line),
        path);
  const std::vector<std::string>& names = header.fields;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string name = text::ascii_lower(names[i]);
    int* slot = name == "numero_unique" ? &impl->numero
                : name == "contexte"    ? &impl->contexte
                : name == "date_depot"  ? &impl->depot
                                        : nullptr;
    if (slot == nullptr || *slot >= 0)
      return Error(ErrorCode::invalid_input,
                   slot == nullptr
                       ? i18n::format(N_("{}: line 1: column '{}' is unknown (expected "
                                         "numero_unique, contexte and optionally date_depot)"),
                                      path, printable(names[i]))
                       : i18n::format(N_("{}: line 1: column '{}' is repeated (expected "
                                         "numero_unique, contexte and optionally date_depot)"),
                                      path, printable(names[i])),
                   path);
    *slot = static_cast<int>(i);
  }
  if (impl->numero < 0 || impl->contexte < 0)
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("{}: line 1: the header needs the columns numero_unique and contexte"),
                     path),
        path);
  impl->columns = names.size();
  return FicheManifest(impl.release());
}

std::size_t FicheManifest::line() const noexcept { return impl_->line; }

Result<std::optional<FicheManifestRow>> FicheManifest::next() {
  csv::Record record;
  const csv::Outcome got = impl_->reader->next(record);
  impl_->line = record.line;
  const std::size_t line = record.line;
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::invalid_input, i18n::format(N_("line {}: {}"), line, i18n::Nested{why}),
                 "line");
  };
  switch (got) {
    case csv::Outcome::record: break;
    case csv::Outcome::end: return std::optional<FicheManifestRow>();
    case csv::Outcome::read_error:
      return Error(ErrorCode::io,
                   i18n::format(N_("{}: read error after line {}: {}"), impl_->path, line,
                                std::strerror(impl_->reader->read_error())),
                   impl_->path);
    case csv::Outcome::too_long: return bad(i18n::format(N_("longer than {} bytes"), kMaxLine));
    case csv::Outcome::broken_quoting:
    case csv::Outcome::open_quote: return bad(i18n::format(N_("broken quoting")));
  }
  const std::vector<std::string>& fields = record.fields;
  if (fields.size() != impl_->columns)
    return bad(i18n::format(N_("{} columns, expected {}"), fields.size(), impl_->columns));
  FicheManifestRow row;
  row.line = line;
  row.numero_unique = fields[static_cast<std::size_t>(impl_->numero)];
  row.contexte = fields[static_cast<std::size_t>(impl_->contexte)];
  if (impl_->depot >= 0) row.date_depot = fields[static_cast<std::size_t>(impl_->depot)];
  return std::optional<FicheManifestRow>(std::move(row));
}

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  auto file = file::AtomicFile::create(path, /*overwrite=*/true);
  if (!file) return file.error();
  (*file)->write(bytes);
  return (*file)->commit();
}

}  // namespace sne
