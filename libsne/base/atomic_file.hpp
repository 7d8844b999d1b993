// Internal: a file written in pieces that appears at its name whole or not at all. Knows
// nothing of the domain.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "sne/error.hpp"

namespace sne::file {

/// A temporary file (mode 0600) in the destination's folder. write() buffers and appends;
/// commit() flushes, fsyncs, gives the file its name (and fsyncs the folder). Destroyed
/// without a successful commit, it removes the temporary file: nothing is left behind.
/// Not thread-safe.
class AtomicFile {
 public:
  /// Creates the temporary file beside `path`. conflict when `path` exists and !overwrite
  /// (checked again, without a race, at commit); io naming `path` when its folder is missing
  /// or not writable, invalid_input when `path` is a folder.
  static Result<std::unique_ptr<AtomicFile>> create(const std::string& path, bool overwrite);
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

 private:
  AtomicFile(std::string path, std::string temp, int fd, bool overwrite);
  bool flush();
  Error fail(std::string_view what, int err) const;

  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool overwrite_ = false;
  bool committed_ = false;
  int errno_ = 0;  ///< the first write failure
  std::string buffer_;
};

}  // namespace sne::file
