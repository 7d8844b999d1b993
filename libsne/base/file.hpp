// Internal: whole-file reading with a size bound. Knows nothing of the domain.
#pragma once

#include <cstdint>
#include <string>

#include "base/internal_export.hpp"
#include "sne/error.hpp"

namespace sne::file {

/// The bytes of `path`; io error naming the path when it cannot be read, invalid_input when it
/// is larger than `max_bytes` or not a regular file.
SNE_INTERNAL_EXPORT Result<std::string> read_all(const std::string& path, std::uint64_t max_bytes);

/// The size of the regular file at `path`, which this process may open for reading: an input
/// file named by a user. io naming the path and the system's reason when it cannot be opened
/// (missing, not permitted), invalid_input when it is not a regular file (a folder, a FIFO).
/// One rule for every command that reads a user's file, so that each exits alike.
SNE_INTERNAL_EXPORT Result<std::uint64_t> check_readable(const std::string& path);

/// True when something (a file, a folder, a dangling link's target aside) exists at `path`.
SNE_INTERNAL_EXPORT bool exists(const std::string& path) noexcept;

/// Creates `dir` and its missing parents, mode 0700 (existing folders are left as they are).
SNE_INTERNAL_EXPORT Status make_private_dirs(const std::string& dir);

}  // namespace sne::file
