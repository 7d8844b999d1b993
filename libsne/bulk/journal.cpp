#include "bulk/journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/file.hpp"
#include "base/i18n.hpp"
#include "sne/text.hpp"

namespace sne::bulk {

Result<std::optional<Shard>> parse_shard(std::string_view text) {
  if (text.empty()) return std::optional<Shard>();
  int k = -1, n = 0;
  const auto slash = text.find('/');
  const char* end = text.data() + text.size();
  if (slash != std::string_view::npos) {
    auto a = std::from_chars(text.data(), text.data() + slash, k);
    auto b = std::from_chars(text.data() + slash + 1, end, n);
    if (a.ec == std::errc() && a.ptr == text.data() + slash && b.ec == std::errc() &&
        b.ptr == end && n >= 1 && k >= 0 && k < n)
      return std::optional<Shard>(Shard{k, n});
  }
  return Error(
      ErrorCode::invalid_input,
      i18n::format(N_("'{}' is not K/N with 0 <= K < N (as 0/4 ... 3/4)"), printable(text)),
      "shard");
}

std::string format_shard(const std::optional<Shard>& shard) {
  return shard ? fmt::format("{}/{}", shard->first, shard->second) : std::string();
}

namespace {

constexpr int kJournalVersion = 1;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE rows (
  row INTEGER PRIMARY KEY, numero TEXT NOT NULL, type TEXT NOT NULL, files TEXT NOT NULL,
  status TEXT NOT NULL, idempotency_key TEXT NOT NULL DEFAULT '', transaction_id TEXT NOT NULL
  DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0, error_code TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '', bytes INTEGER NOT NULL DEFAULT 0,
  contexte TEXT NOT NULL DEFAULT '', date_emission TEXT, date_expiration TEXT,
  annee_revenus INTEGER, pack INTEGER NOT NULL DEFAULT 0, manifest_key TEXT NOT NULL DEFAULT '',
  updated_at INTEGER NOT NULL);
CREATE TABLE files (
  row INTEGER NOT NULL REFERENCES rows(row), position INTEGER NOT NULL, path TEXT NOT NULL,
  size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL,
  PRIMARY KEY (row, position));
)sql";

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// The shard a journal recorded (format_shard's text, so always readable).
std::optional<Shard> recorded_shard(const std::string& text) {
  auto shard = parse_shard(text);
  return shard ? *shard : std::nullopt;
}

std::string meta(sqlite::Db& db, const std::string& key) {
  auto st = db.prepare("SELECT value FROM meta WHERE key = ?");
  st.bind(key);
  return st.step() ? st.text(0) : std::string();
}

RowStatus status_of(const std::string& text) {
  for (auto s : {RowStatus::pending, RowStatus::sent, RowStatus::already_sent,
                 RowStatus::failed_permanent, RowStatus::failed_transient, RowStatus::skipped})
    if (to_string(s) == text) return s;
  return RowStatus::pending;
}

std::optional<std::string> iso_or_null(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->iso()) : std::nullopt;
}

std::optional<Date> date_or_null(const sqlite::Stmt& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  auto d = Date::parse(st.text(column));
  return d ? std::optional<Date>(*d) : std::nullopt;
}

Error db_error(const std::string& path, const sqlite::DbError& e) {
  return Error(ErrorCode::io, i18n::format(N_("journal {}: {}"), path, e.what()), path);
}

}  // namespace

Journal::Journal(std::string path, std::unique_ptr<sqlite::Db> db, int lock_fd)
    : path_(std::move(path)), db_(std::move(db)), lock_fd_(lock_fd) {
  // Reads page in what they need: the journal of a million rows is not mapped whole.
  db_->exec("PRAGMA mmap_size = 0");
}

Journal::~Journal() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

namespace {

/// One sender per journal: a second `bulk send` on it (a cron job overlapping the previous
/// night's, a pod restarted while the old one runs) would send the same rows. A lock file of
/// its own, since closing any descriptor of the database would drop SQLite's POSIX locks.
Result<int> lock_journal(const std::string& path) {
  const std::string lock = path + ".lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Error(ErrorCode::io, fmt::format("{}: {}", lock, std::strerror(errno)), lock);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error(ErrorCode::conflict,
                 i18n::format(N_("journal {} is in use by another run: wait for it to end"), path),
                 path);
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, const JournalIdentity& id,
                                               bool create) {
  if (!create && !file::exists(path))
    return Error(ErrorCode::not_found, i18n::format(N_("no journal {}"), path), path);
  int lock_fd = -1;
  if (create) {
    auto locked = lock_journal(path);
    if (!locked) return locked.error();
    lock_fd = *locked;
  }
  struct Unlock {
    int& fd;
    ~Unlock() {
      if (fd >= 0) ::close(fd);
    }
  } unlock{lock_fd};
  try {
    auto db = std::make_unique<sqlite::Db>(path);
    sqlite::Transaction tx(*db, true);
    auto has = db->prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'");
    if (!has.step()) {
      auto other = db->prepare("SELECT 1 FROM sqlite_master");
      if (other.step() || !create)
        return Error(ErrorCode::invalid_input,
                     i18n::format(N_("{} is not a bulk journal: refusing to use it"), path),
                     "journal");
      db->exec(kSchema);
      const std::string now = std::to_string(now_seconds());
      for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
               {"journal_version", std::to_string(kJournalVersion)},
               {"manifest", id.manifest},
               {"manifest_sha256", id.manifest_sha256},
               {"endpoint", id.endpoint},
               {"shard", format_shard(id.shard)},
               {"created_at", now},
               {"updated_at", now}})
        db->run("INSERT INTO meta (key, value) VALUES (?, ?)", k, v);
      tx.commit();
      return std::unique_ptr<Journal>(new Journal(path, std::move(db), std::exchange(lock_fd, -1)));
    }
    const std::string version = meta(*db, "journal_version");
    if (version != std::to_string(kJournalVersion))
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("journal {} is of version {}, this sne reads version {}"), path,
                                version, kJournalVersion),
                   "journal");
    if (meta(*db, "manifest_sha256") != id.manifest_sha256 || meta(*db, "manifest") != id.manifest)
      return Error(
          ErrorCode::invalid_input,
          i18n::format(N_("journal {} belongs to manifest {} (SHA-256 {}), not to {} (SHA-256 {})"),
                       path, meta(*db, "manifest"), meta(*db, "manifest_sha256").substr(0, 12),
                       id.manifest, id.manifest_sha256.substr(0, 12)),
          "journal");
    if (meta(*db, "endpoint") != id.endpoint)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("journal {} sends to {}, not to {}"), path,
                                meta(*db, "endpoint"), id.endpoint),
                   "journal");
    if (meta(*db, "shard") != format_shard(id.shard))
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("journal {} is of shard '{}', not '{}'"), path,
                                meta(*db, "shard"), format_shard(id.shard)),
                   "journal");
    tx.commit();
    return std::unique_ptr<Journal>(new Journal(path, std::move(db), std::exchange(lock_fd, -1)));
  } catch (const sqlite::DbError& e) {
    return db_error(path, e);
  }
}

Result<std::unique_ptr<Journal>> Journal::open_existing(const std::string& path) {
  if (!file::exists(path))
    return Error(ErrorCode::not_found, i18n::format(N_("no journal {}"), path), path);
  try {
    auto db = std::make_unique<sqlite::Db>(path);
    auto has = db->prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'");
    if (!has.step() || meta(*db, "journal_version") != std::to_string(kJournalVersion))
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("{} is not a bulk journal of this version"), path), "journal");
    return std::unique_ptr<Journal>(new Journal(path, std::move(db), -1));
  } catch (const sqlite::DbError& e) {
    return db_error(path, e);
  }
}

JournalIdentity Journal::identity() {
  std::lock_guard lock(mutex_);
  return {meta(*db_, "manifest"), meta(*db_, "manifest_sha256"), meta(*db_, "endpoint"),
          recorded_shard(meta(*db_, "shard"))};
}

std::int64_t Journal::created_at() {
  std::lock_guard lock(mutex_);
  return std::stoll("0" + meta(*db_, "created_at"));
}

std::int64_t Journal::updated_at() {
  std::lock_guard lock(mutex_);
  return std::stoll("0" + meta(*db_, "updated_at"));
}

std::optional<JournalRow> Journal::row(std::size_t row) {
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "SELECT status, idempotency_key, transaction_id, attempts FROM rows WHERE row = ?");
  st.bind(static_cast<std::int64_t>(row));
  if (!st.step()) return std::nullopt;
  JournalRow r;
  r.status = status_of(st.text(0));
  r.key = st.text(1);
  r.transaction = st.text(2);
  r.attempts = static_cast<int>(st.int64(3));
  auto f = db_->prepare(
      "SELECT path, size, mtime_ns, sha256 FROM files WHERE row = ? ORDER BY position");
  f.bind(static_cast<std::int64_t>(row));
  while (f.step())
    r.files.push_back({f.text(0), static_cast<std::uint64_t>(f.int64(1)), f.int64(2), f.text(3)});
  return r;
}

Status Journal::write(const std::function<void()>& fn) {
  std::lock_guard lock(mutex_);
  try {
    sqlite::Transaction tx(*db_, true);
    fn();
    db_->run("UPDATE meta SET value = ? WHERE key = 'updated_at'", std::to_string(now_seconds()));
    tx.commit();
    return {};
  } catch (const sqlite::DbError& e) {
    return db_error(path_, e);
  } catch (const std::exception& e) {
    return Error(ErrorCode::internal, i18n::format(N_("journal {}: {}"), path_, e.what()), path_);
  }
}

Status Journal::set_manifest_rows(std::size_t rows) {
  return write([&] {
    db_->run("INSERT OR REPLACE INTO meta (key, value) VALUES ('manifest_rows', ?)",
             std::to_string(rows));
  });
}

std::size_t Journal::manifest_rows() {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::stoull("0" + meta(*db_, "manifest_rows")));
}

namespace {

void upsert(sqlite::Db& db, const RowOutcome& o, bool count_attempt) {
  nlohmann::json files = o.files;
  // Paths are bytes: one that is not UTF-8 (a Latin-1 name on a file share) is kept readable.
  const std::string files_text =
      files.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  db.run(
      "INSERT INTO rows (row, numero, type, files, status, manifest_key, transaction_id, "
      "attempts, error_code, message, bytes, contexte, date_emission, date_expiration, "
      "annee_revenus, updated_at, pack) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
      "?13, ?14, ?15, ?16, ?17) ON CONFLICT (row) DO UPDATE SET numero = ?2, type = ?3, "
      "files = ?4, status = ?5, manifest_key = ?6, transaction_id = ?7, "
      "attempts = attempts + ?8, error_code = ?9, message = ?10, bytes = ?11, contexte = ?12, "
      "date_emission = ?13, date_expiration = ?14, annee_revenus = ?15, updated_at = ?16, "
      "pack = ?17",
      static_cast<std::int64_t>(o.row), o.numero_unique, o.type, files_text,
      std::string(to_string(o.status)), o.idempotency_key, o.transaction, count_attempt ? 1 : 0,
      o.error_code, o.message, static_cast<std::int64_t>(o.bytes), o.contexte,
      iso_or_null(o.date_emission), iso_or_null(o.date_expiration),
      o.annee_revenus ? std::optional<std::int64_t>(*o.annee_revenus) : std::nullopt, now_seconds(),
      o.pack);
}

}  // namespace

Status Journal::begin(const ManifestRow& row, const std::string& key,
                      const std::vector<FileRecord>& files) {
  RowOutcome o;
  o.row = row.row;
  o.numero_unique = row.numero_unique;
  o.type = row.type;
  o.files = row.files;
  o.status = RowStatus::pending;
  o.idempotency_key = row.idempotency_key;
  o.pack = row.pack;
  o.contexte = row.contexte;
  o.date_emission = row.date_emission;
  o.date_expiration = row.date_expiration;
  o.annee_revenus = row.annee_revenus;
  for (const auto& f : files) o.bytes += f.size;
  return write([&] {
    upsert(*db_, o, true);
    db_->run("UPDATE rows SET idempotency_key = ? WHERE row = ?", key,
             static_cast<std::int64_t>(row.row));
    db_->run("DELETE FROM files WHERE row = ?", static_cast<std::int64_t>(row.row));
    for (std::size_t i = 0; i < files.size(); ++i)
      db_->run(
          "INSERT INTO files (row, position, path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?, ?, "
          "?)",
          static_cast<std::int64_t>(row.row), static_cast<std::int64_t>(i), files[i].path,
          static_cast<std::int64_t>(files[i].size), files[i].mtime_ns, files[i].sha256);
  });
}

Status Journal::finish(const RowOutcome& outcome) {
  return write([&] { upsert(*db_, outcome, false); });
}

Status Journal::note(const RowOutcome& outcome) {
  return write([&] {
    // A row already recorded keeps what it has: only rows never seen are added.
    auto st = db_->prepare("SELECT 1 FROM rows WHERE row = ?");
    st.bind(static_cast<std::int64_t>(outcome.row));
    if (!st.step()) upsert(*db_, outcome, false);
  });
}

Summary Journal::summary() {
  std::lock_guard lock(mutex_);
  Summary s;
  s.journal = path_;
  auto st = db_->prepare("SELECT status, count(*) FROM rows GROUP BY status");
  while (st.step()) {
    const auto n = static_cast<std::size_t>(st.int64(1));
    s.rows += n;
    switch (status_of(st.text(0))) {
      case RowStatus::pending: s.pending += n; break;
      case RowStatus::sent: s.sent += n; break;
      case RowStatus::already_sent: s.already_sent += n; break;
      case RowStatus::failed_permanent: s.failed_permanent += n; break;
      case RowStatus::failed_transient: s.failed_transient += n; break;
      case RowStatus::skipped: s.skipped += n; break;
    }
  }
  return s;
}

void Journal::for_each(const std::function<void(const RowOutcome&)>& fn,
                       std::optional<std::size_t> only) {
  std::lock_guard lock(mutex_);
  auto st = db_->prepare(
      "SELECT row, numero, type, files, status, idempotency_key, transaction_id, attempts, "
      "error_code, message, bytes, contexte, date_emission, date_expiration, annee_revenus, "
      "manifest_key, pack FROM rows WHERE ?1 < 0 OR row = ?1 ORDER BY row");
  st.bind(only ? static_cast<std::int64_t>(*only) : std::int64_t{-1});
  while (st.step()) {
    RowOutcome o;
    o.row = static_cast<std::size_t>(st.int64(0));
    o.numero_unique = st.text(1);
    o.type = st.text(2);
    const auto files = nlohmann::json::parse(st.text(3), nullptr, false);
    if (files.is_array())
      for (const auto& f : files)
        if (f.is_string()) o.files.push_back(f.get<std::string>());
    o.status = status_of(st.text(4));
    o.idempotency_key = st.text(15);
    o.pack = st.int64(16) != 0;
    o.transaction = st.text(6);
    o.attempts = static_cast<int>(st.int64(7));
    o.error_code = st.text(8);
    o.message = st.text(9);
    o.bytes = static_cast<std::uint64_t>(st.int64(10));
    o.contexte = st.text(11);
    o.date_emission = date_or_null(st, 12);
    o.date_expiration = date_or_null(st, 13);
    if (!st.is_null(14)) o.annee_revenus = static_cast<int>(st.int64(14));
    fn(o);
  }
}

}  // namespace sne::bulk
