// Fiche manifests (CSV) and atomic file writes for fiche batches.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "base/text.hpp"
#include "sne/fiche.hpp"

namespace sne {

namespace {

constexpr std::size_t kMaxLine = std::size_t{64} * 1024;

/// Splits one CSV record (RFC 4180 quoting). Nothing when the quoting is broken.
std::optional<std::vector<std::string>> split_csv(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"' && text::trim(fields.back()).empty()) {
      fields.back().clear();  // spaces before an opening quote are not part of the field
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  for (auto& f : fields) f = std::string(text::trim(f));
  return fields;
}

}  // namespace

struct FicheManifest::Impl {
  std::string path;
  std::ifstream in;
  std::size_t line = 0;
  std::size_t columns = 0;
  int numero = -1, contexte = -1, depot = -1;

  /// The next non-blank line, without its line ending; false at the end.
  bool read_line(std::string& out) {
    while (std::getline(in, out)) {  // a read error sets badbit: next() reports it
      ++line;
      if (line == 1 && out.rfind("\xEF\xBB\xBF", 0) == 0) out.erase(0, 3);
      if (!out.empty() && out.back() == '\r') out.pop_back();
      if (!text::trim(out).empty()) return true;
    }
    return false;
  }
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
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, fmt::format("{}: not a regular file", path), path);
  impl->in.open(path, std::ios::binary);
  if (!impl->in)
    return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
  std::string header;
  if (!impl->read_line(header))
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{}: empty manifest, expected the header numero_unique,contexte", path), path);
  auto names = split_csv(header);
  if (!names)
    return Error(ErrorCode::invalid_input,
                 fmt::format("{}: line {}: broken quoting", path, impl->line), path);
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string name = text::ascii_lower((*names)[i]);
    int* slot = name == "numero_unique" ? &impl->numero
                : name == "contexte"    ? &impl->contexte
                : name == "date_depot"  ? &impl->depot
                                        : nullptr;
    if (slot == nullptr || *slot >= 0)
      return Error(
          ErrorCode::invalid_input,
          fmt::format("{}: line 1: column '{}' is {} (expected numero_unique, contexte "
                      "and optionally date_depot)",
                      path, printable((*names)[i]), slot == nullptr ? "unknown" : "repeated"),
          path);
    *slot = static_cast<int>(i);
  }
  if (impl->numero < 0 || impl->contexte < 0)
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{}: line 1: the header needs the columns numero_unique and contexte", path),
        path);
  impl->columns = names->size();
  return FicheManifest(impl.release());
}

std::size_t FicheManifest::line() const noexcept { return impl_->line; }

Result<std::optional<FicheManifestRow>> FicheManifest::next() {
  std::string raw;
  if (!impl_->read_line(raw)) {
    if (impl_->in.bad())
      return Error(ErrorCode::io,
                   fmt::format("{}: read error after line {}", impl_->path, impl_->line),
                   impl_->path);
    return std::optional<FicheManifestRow>();
  }
  const std::size_t line = impl_->line;
  auto bad = [&](std::string why) {
    return Error(ErrorCode::invalid_input, fmt::format("line {}: {}", line, why), "line");
  };
  if (raw.size() > kMaxLine) return bad(fmt::format("longer than {} bytes", kMaxLine));
  auto fields = split_csv(raw);
  if (!fields) return bad("broken quoting");
  if (fields->size() != impl_->columns)
    return bad(fmt::format("{} columns, expected {}", fields->size(), impl_->columns));
  FicheManifestRow row;
  row.line = line;
  row.numero = (*fields)[static_cast<std::size_t>(impl_->numero)];
  row.contexte = (*fields)[static_cast<std::size_t>(impl_->contexte)];
  if (impl_->depot >= 0) row.date_depot = (*fields)[static_cast<std::size_t>(impl_->depot)];
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
