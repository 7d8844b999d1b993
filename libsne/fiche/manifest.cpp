// Fiche manifests (CSV) and atomic file writes for fiche batches.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "base/csv.hpp"
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
        fmt::format("{}: empty manifest, expected the header numero_unique,contexte", path), path);
  if (got != csv::Outcome::record)
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{}: line {}: {}", path, impl->line,
                    got == csv::Outcome::too_long ? fmt::format("longer than {} bytes", kMaxLine)
                                                  : std::string("broken quoting")),
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
                   fmt::format("{}: line 1: column '{}' is {} (expected numero_unique, contexte "
                               "and optionally date_depot)",
                               path, printable(names[i]), slot == nullptr ? "unknown" : "repeated"),
                   path);
    *slot = static_cast<int>(i);
  }
  if (impl->numero < 0 || impl->contexte < 0)
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{}: line 1: the header needs the columns numero_unique and contexte", path),
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
  auto bad = [&](std::string why) {
    return Error(ErrorCode::invalid_input, fmt::format("line {}: {}", line, why), "line");
  };
  switch (got) {
    case csv::Outcome::record: break;
    case csv::Outcome::end: return std::optional<FicheManifestRow>();
    case csv::Outcome::read_error:
      return Error(ErrorCode::io,
                   fmt::format("{}: read error after line {}: {}", impl_->path, line,
                               std::strerror(impl_->reader->read_error())),
                   impl_->path);
    case csv::Outcome::too_long: return bad(fmt::format("longer than {} bytes", kMaxLine));
    case csv::Outcome::broken_quoting:
    case csv::Outcome::open_quote: return bad("broken quoting");
  }
  const std::vector<std::string>& fields = record.fields;
  if (fields.size() != impl_->columns)
    return bad(fmt::format("{} columns, expected {}", fields.size(), impl_->columns));
  FicheManifestRow row;
  row.line = line;
  row.numero_unique = fields[static_cast<std::size_t>(impl_->numero)];
  row.contexte = fields[static_cast<std::size_t>(impl_->contexte)];
  if (impl_->depot >= 0) row.date_depot = fields[static_cast<std::size_t>(impl_->depot)];
  return std::optional<FicheManifestRow>(std::move(row));
}

namespace {

bool write_all(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

/// An unnamed file in the folder (O_TMPFILE), written whole, then given its name: linkat for
/// a new name (one directory operation), or linkat to a temporary name and rename when the name
/// exists. Nothing named is ever partial, and an interruption leaves no temporary file but in
/// the instant between the two last calls. False when the file system has no O_TMPFILE: the
/// caller then writes a named temporary file.
std::optional<Status> write_linked(const std::string& dir, const std::string& path,
                                   std::string_view bytes) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return std::nullopt;
    return Error(ErrorCode::io,
                 fmt::format("{}: cannot create a file beside it: {}", path, std::strerror(errno)),
                 path);
  }
  auto fail = [&](const char* what) {
    const int saved = errno;  // callers read errno to tell a full disk from a bad name
    Error e(ErrorCode::io, fmt::format("{}: {}: {}", path, what, std::strerror(saved)), path);
    ::close(fd);
    errno = saved;
    return e;
  };
  if (!write_all(fd, bytes)) return fail("cannot write");
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0) {
    ::close(fd);
    return Status{};
  }
  if (errno != EEXIST) return fail("cannot link into place");
  for (unsigned attempt = 0;; ++attempt) {
    const std::string temp = fmt::format("{}/.{}.tmp-{}-{}", dir, ::getpid(), fd, attempt);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) != 0) {
      if (errno == EEXIST && attempt < 100) continue;
      return fail("cannot link beside it");
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      const int saved = errno;
      ::unlink(temp.c_str());
      errno = saved;
      return fail("cannot rename into place");
    }
    ::close(fd);
    return Status{};
  }
#else
  (void)dir, (void)path, (void)bytes;
  return std::nullopt;
#endif
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (auto linked = write_linked(dir, path, bytes)) return *linked;
  // No O_TMPFILE on this file system: a named temporary file beside it, then a rename.
  std::string temp = dir + "/." + base + ".tmp-XXXXXX";
  auto fail = [&](const std::string& what) {
    return Error(ErrorCode::io, fmt::format("{}: {}: {}", path, what, std::strerror(errno)), path);
  };
  auto cleanup = [&](int fd) {  // keeps errno for the caller
    const int saved = errno;
    if (fd >= 0) ::close(fd);
    ::unlink(temp.c_str());
    errno = saved;
  };
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return fail("cannot create a file beside it");
  if (!write_all(fd, bytes)) {
    const Error e = fail("cannot write");
    cleanup(fd);
    return e;
  }
  if (::close(fd) != 0) {
    const Error e = fail("cannot finish writing");
    cleanup(-1);
    return e;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const Error e = fail("cannot rename into place");
    cleanup(-1);
    return e;
  }
  return {};
}

}  // namespace sne
