/// @file
/// Whether the embedded sandbox's database is sound: SQLite's `PRAGMA integrity_check`.
///
/// Declared apart from sne/sandbox.hpp so that a program gives it to run_doctor()
/// (sne/doctor.hpp, DoctorOptions::sandbox_integrity) without libsne itself linking SQLite:
///
///     sne::DoctorOptions options;
///     options.sandbox_integrity = sne::check_sandbox_integrity;
#pragma once

#include <string>

#include "sne/error.hpp"
#include "sne/export.hpp"

namespace sne {

/// Runs `PRAGMA integrity_check` on the sandbox database at `path`, changing nothing in it:
/// a one-line detail ("integrity_check ok, 1.2 MiB") when sound; not_found when no file is
/// there (none is created); io, naming the file and SQLite's first findings, when it is
/// damaged or is no database.
SNE_EXPORT Result<std::string> check_sandbox_integrity(const std::string& path);

}  // namespace sne
