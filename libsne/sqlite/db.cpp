#include "sqlite/db.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sne::sqlite {

namespace {

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view context) {
  std::string what(context);
  what += ": ";
  what += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DbError(what, rc);
}

}  // namespace

bool DbError::busy() const noexcept {
  const int primary = sqlite_code & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, "prepare");
}

Stmt::Stmt(Db& owner, std::string_view sql) : db_(owner.db_), owner_(&owner), sql_(sql) {
  stmt_ = owner.take(sql_);
  if (stmt_ != nullptr) return;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "prepare");
}

Stmt::~Stmt() {
  if (owner_ == nullptr || stmt_ == nullptr) {
    sqlite3_finalize(stmt_);
    return;
  }
  (void)sqlite3_reset(stmt_);
  (void)sqlite3_clear_bindings(stmt_);
  owner_->give(std::move(sql_), stmt_);
}

void Stmt::check(int rc) const {
  if (rc != SQLITE_OK) fail(db_, rc, "bind");
}

void Stmt::bind_one(int i, std::string_view v) {
  check(sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}
void Stmt::bind_one(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
void Stmt::bind_one(int i, std::nullopt_t) { check(sqlite3_bind_null(stmt_, i)); }
void Stmt::bind_one(int i, Blob v) {
  check(sqlite3_bind_blob64(stmt_, i, v.bytes.data(), v.bytes.size(), SQLITE_TRANSIENT));
}

bool Stmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, rc, "step");
}

// The error of the last step, if any, was thrown by step() already.
void Stmt::reset() { (void)sqlite3_reset(stmt_); }

std::string Stmt::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

std::int64_t Stmt::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

bool Stmt::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Db::Db(const std::string& path) {
  // Create the file 0600 ourselves: it holds personal data and SQLite would use the umask.
  // Only when it does not exist yet (O_EXCL): closing a descriptor of a file drops every POSIX
  // lock this process holds on it, those of SQLite connections already open here included, and
  // another process would then believe itself the last one and delete the WAL under them. A
  // file created here a moment ago has no connection of ours.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0)
    ::close(fd);
  else if (errno != EEXIST)
    throw DbError(path + ": cannot open: " + std::strerror(errno), SQLITE_CANTOPEN);
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW, nullptr);
  if (rc != SQLITE_OK) {
    std::string what = path + ": " + (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError(what, rc);
  }
  sqlite3_busy_timeout(db_, 10000);
  try {  // the first statement is where a file that is no database shows
    exec("PRAGMA foreign_keys = ON");
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
  } catch (const DbError&) {
    sqlite3_close(db_);  // a constructor that throws runs no destructor
    db_ = nullptr;
    throw;
  }
}

namespace {
constexpr std::size_t kMaxCached = 256;  // SQL texts; past it, statements are finalized
}  // namespace

sqlite3_stmt* Db::take(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end() || it->second.empty()) return nullptr;
  sqlite3_stmt* stmt = it->second.back();
  it->second.pop_back();
  return stmt;
}

void Db::give(std::string&& sql, sqlite3_stmt* stmt) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCached) {
      sqlite3_finalize(stmt);
      return;
    }
    it = cache_.emplace(std::move(sql), std::vector<sqlite3_stmt*>()).first;
  }
  it->second.push_back(stmt);
}

Db::~Db() {
  // sqlite3_close() refuses to close a connection with statements left.
  for (auto& [sql, stmts] : cache_)
    for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

void Db::exec(std::string_view sql) {
  const std::string s(sql);
  const int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(db_, rc, "exec");
}

int Db::changes() const noexcept { return sqlite3_changes(db_); }
std::int64_t Db::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(db_); }

Transaction::Transaction(Db& db, bool write) : db_(db) {
  db_.exec(write ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    db_.exec("ROLLBACK");
  } catch (const DbError&) {  // nothing more to do: the connection drops the transaction
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace sne::sqlite
