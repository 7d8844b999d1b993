// Internal: the journal of a bulk run, one SQLite file per manifest (and shard), mode 0600.
// It records, per row, what was sent (each file's size, mtime and SHA-256), the idempotency
// key (written before the first request that carries it), the transaction, the attempts and
// the last error. It holds numéros uniques and paths, never file contents nor secrets.
//
// Durability: WAL with synchronous NORMAL, so a commit survives the process being killed; a
// power cut may lose the last commits, which only makes their rows be tried again under the
// same key (derived from their content, or given by the manifest), which the service replays.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sne/bulk.hpp"
#include "sqlite/db.hpp"

namespace sne::bulk {

/// What a file was when the row's key was written.
struct FileRecord {
  std::string path;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
  std::string sha256;
};

/// A row as the journal has it.
struct JournalRow {
  RowStatus status = RowStatus::pending;
  std::string key;
  std::string transaction;
  int attempts = 0;
  std::vector<FileRecord> files;
};

/// What the journal belongs to; a journal of another identity is refused.
struct JournalIdentity {
  std::string manifest;  ///< absolute path
  std::string manifest_sha256;
  std::string endpoint;
  std::optional<std::pair<int, int>> shard;
};

class Journal {
 public:
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;
  ~Journal();
  /// Opens (creating when `create`) the journal at `path` for `identity`. invalid_input when it
  /// belongs to another manifest, endpoint or shard, or is no journal; io when it cannot be
  /// opened or created.
  static Result<std::unique_ptr<Journal>> open(const std::string& path,
                                               const JournalIdentity& identity, bool create);
  /// Opens an existing journal read-only, whatever it belongs to.
  static Result<std::unique_ptr<Journal>> open_existing(const std::string& path);

  const std::string& path() const noexcept { return path_; }
  JournalIdentity identity();

  std::optional<JournalRow> row(std::size_t row);
  /// Records that a row is about to be sent with `key` and `files`: before any request.
  Status begin(const ManifestRow& row, const std::string& key,
               const std::vector<FileRecord>& files);
  /// Records the outcome of a row (attempts counted by begin()).
  Status finish(const RowOutcome& outcome);
  /// Records a row seen but not tried (stopped, or failed before any request).
  Status note(const RowOutcome& outcome);
  Summary summary();
  /// The rows of the manifest (of the shard), recorded when a run starts; 0 before.
  Status set_manifest_rows(std::size_t rows);
  std::size_t manifest_rows();
  /// Every row in order, or only row `only`.
  void for_each(const std::function<void(const RowOutcome&)>& fn,
                std::optional<std::size_t> only = std::nullopt);
  std::int64_t created_at();
  std::int64_t updated_at();

 private:
  Journal(std::string path, std::unique_ptr<sqlite::Db> db, int lock_fd);
  Status write(const std::function<void()>& fn);
  std::string path_;
  std::unique_ptr<sqlite::Db> db_;
  std::mutex mutex_;
  int lock_fd_ = -1;  ///< flock()ed <path>.lock of a journal opened to send
};

}  // namespace sne::bulk
