// Internal: the library's one SQLite wrapper, a thin RAII layer used by the sandbox's store and
// the bulk engine's journal. Failures throw DbError; each user turns them into errors at its
// boundary, so nothing escapes the library. Built as an object library linked into the
// libraries that need SQLite (sne_sandbox, sne_bulk), never into libsne itself.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace sne::sqlite {

struct DbError : std::runtime_error {
  DbError(const std::string& what, int code) : std::runtime_error(what), sqlite_code(code) {}
  int sqlite_code;
  /// SQLITE_BUSY or SQLITE_LOCKED: another process holds the database; try again later.
  bool busy() const noexcept;
};

/// Bytes bound as a BLOB rather than as text: file contents.
struct Blob {
  std::string_view bytes;
};

class Db;

class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  /// A statement of `owner`'s cache: compiled the first time its SQL is seen, then reset and
  /// given back at destruction for the next Stmt of the same SQL (Db::prepare, Db::run).
  Stmt(Db& owner, std::string_view sql);
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  /// Binds parameters 1..N in order.
  template <class... Args>
  Stmt& bind(const Args&... args) {
    int i = 0;
    (bind_one(++i, args), ...);
    return *this;
  }
  /// Binds parameter `i` (1-based, or the N of a "?N" placeholder) alone: for statements whose
  /// parameters are known only at run time.
  template <class T>
  Stmt& bind_at(int i, const T& value) {
    bind_one(i, value);
    return *this;
  }
  /// Advances to the next row; false when done.
  bool step();
  /// Makes the statement ready to run again, to be bound anew: a statement prepared once and
  /// run for many rows saves compiling its SQL each time.
  void reset();
  std::string text(int column) const;
  std::int64_t int64(int column) const;
  bool is_null(int column) const;

 private:
  void bind_one(int i, std::string_view v);
  void bind_one(int i, const std::string& v) { bind_one(i, std::string_view(v)); }
  void bind_one(int i, const char* v) { bind_one(i, std::string_view(v)); }
  void bind_one(int i, std::int64_t v);
  void bind_one(int i, int v) { bind_one(i, static_cast<std::int64_t>(v)); }
  void bind_one(int i, bool v) { bind_one(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  void bind_one(int i, std::nullopt_t);
  void bind_one(int i, Blob v);
  template <class T>
  void bind_one(int i, const std::optional<T>& v) {
    if (v)
      bind_one(i, *v);
    else
      bind_one(i, std::nullopt);
  }
  void check(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Db* owner_ = nullptr;  ///< whose cache the statement goes back to; none: finalized
  std::string sql_;      ///< its SQL, the key in owner_'s cache
};

class Db {
 public:
  /// Opens (creating it mode 0600 when missing) the database at `path`, with WAL journaling,
  /// foreign keys and a busy timeout so that several processes can share it.
  explicit Db(const std::string& path);
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  void exec(std::string_view sql);
  /// A statement of `sql`, taken from the cache of statements already compiled on this
  /// connection when one is free: a request of the sandbox runs the same few statements, and
  /// compiling them was a third of the time of reading a pli.
  Stmt prepare(std::string_view sql) { return Stmt(*this, sql); }
  /// Runs a statement that returns no rows; the number of rows changed.
  template <class... Args>
  int run(std::string_view sql, const Args&... args) {
    Stmt st(*this, sql);
    st.bind(args...);
    st.step();
    return changes();
  }
  int changes() const noexcept;
  std::int64_t last_insert_rowid() const noexcept;

 private:
  friend class Stmt;
  /// A free compiled statement of `sql`, or null.
  sqlite3_stmt* take(const std::string& sql);
  /// Keeps `stmt` (reset) for the next user of `sql`; finalizes it when the cache is full.
  void give(std::string&& sql, sqlite3_stmt* stmt);

  sqlite3* db_ = nullptr;
  /// Compiled statements not in use, by SQL; at most kMaxCached SQL texts.
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>> cache_;
};

/// A transaction rolled back unless committed.
class Transaction {
 public:
  /// `write`: BEGIN IMMEDIATE (takes the write lock at once), else BEGIN.
  Transaction(Db& db, bool write);
  ~Transaction();
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

}  // namespace sne::sqlite
