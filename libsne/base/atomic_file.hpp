// Internal: a file written in pieces that appears at its name whole or not at all. Knows
// nothing of the domain.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::file {

/// Named temporary files of ours older than this, beside a destination being written again,
/// are left-overs of a killed process: no live writer keeps one unmodified for that long.
inline constexpr int kStaleTemporarySeconds = 600;

/// How the file is held until its commit.
enum class TempKind {
  /// An unnamed file (O_TMPFILE) in the destination's folder, given its name at commit: a
  /// process killed mid-write leaves nothing behind. Where the file system or the kernel has
  /// none (or /proc is not mounted), a named one instead.
  unnamed_if_possible,
  /// Always a named temporary file, ".NAME.tmp-XXXXXX" beside the destination.
  named,
};

/// A temporary file (mode 0600) in the destination's folder. write() buffers and appends;
/// commit() flushes, fsyncs, gives the file its name (and fsyncs the folder). Destroyed
/// without a successful commit, it removes the temporary file. A named temporary file left by
/// a killed process is removed by the next create() for the same destination, once it is
/// older than kStaleTemporary and if it belongs to the same user. Not thread-safe.
class SNE_INTERNAL_EXPORT AtomicFile {
 public:
  /// Creates the temporary file beside `path`. conflict when `path` exists and !overwrite
  /// (checked again, without a race, at commit); io naming `path` when its folder is missing
  /// or not writable, invalid_input when `path` is a folder.
  static Result<std::unique_ptr<AtomicFile>> create(const std::string& path, bool overwrite,
                                                    TempKind kind = TempKind::unnamed_if_possible);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  /// False after a failed write (the error is kept for commit()).
  bool write(std::string_view bytes);
  /// The first write failure, if any.
  Status status() const;
  /// Makes the file appear at its name. On failure the temporary file is removed.
  Status commit();

  const std::string& path() const noexcept { return path_; }
  /// Whether the file is unnamed until its commit (O_TMPFILE).
  bool unnamed() const noexcept { return temp_.empty(); }

 private:
  AtomicFile(std::string path, std::string temp, int fd, bool overwrite);
  bool flush();
  /// `what` is an N_() message ("cannot write"), said in the error with the system's reason.
  Error fail(std::string_view what, int err) const;
  Status link_unnamed();
  Status rename_named();

  std::string path_;
  std::string temp_;  ///< the named temporary file; empty when unnamed
  int fd_ = -1;
  bool overwrite_ = false;
  bool committed_ = false;
  int errno_ = 0;  ///< the first write failure
  std::string buffer_;
};

}  // namespace sne::file
