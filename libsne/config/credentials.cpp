#include "sne/credentials.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "base/atomic_file.hpp"
#include "base/file.hpp"
#include "base/i18n.hpp"

namespace sne {

namespace {

constexpr std::size_t kMaxFile = 1u << 20;

/// The document, or nullopt when the file does not exist. The file must belong to the user and
/// be private, like an OpenSSH key.
Result<std::optional<toml::table>> load(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<toml::table>();
    return Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
  }
  struct stat st {};
  std::string text;
  Status status;
  if (::fstat(fd, &st) != 0) {
    status = Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
  } else if (!S_ISREG(st.st_mode)) {
    status =
        Error(ErrorCode::invalid_input, i18n::format(N_("{}: not a regular file"), path), path);
  } else if ((st.st_mode & 077) != 0) {
    status = Error(ErrorCode::forbidden,
                   i18n::format(N_("{}: readable or writable by others (mode {:03o}): run "
                                   "'chmod 600 {}'"),
                                path, st.st_mode & 0777, path),
                   path);
  } else if (st.st_uid != ::geteuid()) {
    status = Error(ErrorCode::forbidden, i18n::format(N_("{}: owned by another user"), path), path);
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxFile) {
    status = Error(ErrorCode::invalid_input, i18n::format(N_("{}: larger than 1 MiB"), path), path);
  } else {
    char buf[8192];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        status = Error(ErrorCode::io, fmt::format("{}: {}", path, std::strerror(errno)), path);
        break;
      }
      if (n == 0) break;
      text.append(buf, static_cast<std::size_t>(n));
      if (text.size() > kMaxFile) break;
    }
  }
  ::close(fd);
  if (!status) return status.error();
  try {
    return std::optional<toml::table>(toml::parse(text, path));
  } catch (const toml::parse_error& e) {
    // The message of toml++ may quote the line: it could hold a token. Say only where.
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("{}: not a valid credentials file (line {})"), path, e.source().begin.line),
        path);
  }
}

Status save(const std::string& path, const toml::table& table) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0)
    if (auto dir = file::make_private_dirs(path.substr(0, slash)); !dir) return dir;
  std::ostringstream out;
  out << "# sne credentials: bearer tokens by endpoint. Keep it private (mode 0600).\n"
      << table << "\n";
  auto file = file::AtomicFile::create(path, /*overwrite=*/true);
  if (!file) return file.error();
  (*file)->write(out.str());
  return (*file)->commit();
}

}  // namespace

Result<std::optional<StoredCredential>> CredentialStore::get(const std::string& endpoint) const {
  auto doc = load(path_);
  if (!doc) return doc.error();
  if (!*doc) return std::optional<StoredCredential>();
  const toml::table* entry = (**doc)[endpoint].as_table();
  if (entry == nullptr) return std::optional<StoredCredential>();
  StoredCredential c;
  c.token = (*entry)["token"].value_or(std::string());
  c.email = (*entry)["email"].value_or(std::string());
  c.app_token = (*entry)["app_token"].value_or(std::string());
  // An entry without expires_at holds a token that does not expire.
  if (const auto text = (*entry)["expires_at"].value<std::string>()) {
    auto expires = parse_timestamp(*text);
    if (!expires)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("{}: entry '{}' has no valid expires_at"), path_, endpoint),
                   path_);
    c.expires_at = *expires;
  } else if ((*entry).contains("expires_at")) {
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("{}: entry '{}' has no valid expires_at"), path_, endpoint),
                 path_);
  }
  return std::optional<StoredCredential>(std::move(c));
}

Status CredentialStore::put(const std::string& endpoint, const StoredCredential& c) const {
  auto doc = load(path_);
  if (!doc) return doc.error();
  toml::table table = *doc ? std::move(**doc) : toml::table();
  toml::table entry{{"token", c.token}, {"email", c.email}};
  if (c.expires_at != Timestamp::max())
    entry.insert_or_assign("expires_at", format_timestamp(c.expires_at));
  if (!c.app_token.empty()) entry.insert_or_assign("app_token", c.app_token);
  table.insert_or_assign(endpoint, std::move(entry));
  return save(path_, table);
}

Status CredentialStore::erase(const std::string& endpoint) const {
  auto doc = load(path_);
  if (!doc) return doc.error();
  if (!*doc || !(*doc)->contains(endpoint)) return Status();
  (*doc)->erase(endpoint);
  return save(path_, **doc);
}

}  // namespace sne
