// Fiche manifests (CSV) and atomic file writes for fiche batches.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include <fcntl.h>
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
    } else if (c == '"' && fields.back().empty()) {
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
    while (std::getline(in, out)) {
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
    return Error(ErrorCode::invalid_input, fmt::format("{}: line 1: broken quoting", path), path);
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

Result<std::optional<FicheManifestRow>> FicheManifest::next() {
  std::string raw;
  if (!impl_->read_line(raw)) return std::optional<FicheManifestRow>();
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

/// The fast path for a new file: an unnamed file in the folder (O_TMPFILE), written, then
/// linked under its name, one directory operation. False when the file system lacks O_TMPFILE
/// or the name exists already (linkat does not replace): the caller then takes the slow path.
bool write_new_file_linked(const std::string& dir, const std::string& path,
                           std::string_view bytes) {
#ifdef O_TMPFILE
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const std::string proc = "/proc/self/fd/" + std::to_string(fd);
  const bool ok = write_all(fd, bytes) &&
                  ::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
#else
  (void)dir, (void)path, (void)bytes;
  return false;
#endif
}

}  // namespace

Status write_file_atomically(const std::string& path, std::string_view bytes) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (write_new_file_linked(dir, path, bytes)) return {};
  // A name to replace, or no O_TMPFILE: a named temporary file beside it, then a rename.
  std::string temp = dir + "/." + base + ".tmp-XXXXXX";
  auto fail = [&](const std::string& what) {
    return Error(ErrorCode::io, fmt::format("{}: {}: {}", path, what, std::strerror(errno)), path);
  };
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) return fail("cannot create a file beside it");
  if (!write_all(fd, bytes)) {
    const Error e = fail("cannot write");
    ::close(fd);
    ::unlink(temp.c_str());
    return e;
  }
  if (::close(fd) != 0) {
    const Error e = fail("cannot finish writing");
    ::unlink(temp.c_str());
    return e;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const Error e = fail("cannot rename into place");
    ::unlink(temp.c_str());
    return e;
  }
  return {};
}

}  // namespace sne
