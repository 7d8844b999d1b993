/// @file
/// The preflight of many files at once, on several cores: what `sne piece check` runs. Each
/// file is judged exactly as inspect_file() judges it (same InspectOptions, same limits, same
/// isolation), and the reports come back in the order of the paths, whatever the number of
/// jobs, so that an output made of them is the same bytes with one job or eight.
///
/// Memory stays bounded with the number of files: paths are pulled one at a time as room
/// frees, and at most a few times `jobs` reports wait for their turn.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sne/export.hpp"
#include "sne/inspect.hpp"

namespace sne {

/// Gives the next path to inspect, or nothing at the end of the list. Called on the caller's
/// thread only, one path at a time, as room frees (a list read from stdin is streamed).
using NextInspectPath = std::function<std::optional<std::string>()>;

/// Receives each report, in the order of the paths, on the caller's thread.
using OnInspectReport = std::function<void(const InspectReport& report)>;

/// What inspect_files() did.
struct InspectFilesSummary {
  std::size_t files = 0;     ///< reports given to the callback
  bool interrupted = false;  ///< `cancel` stopped the run before the end of the list
};

/// The number of jobs meant by 0: std::thread::hardware_concurrency(), at least 1.
SNE_EXPORT int inspect_default_jobs() noexcept;

/// The largest number of jobs inspect_files() runs; more are run as this many.
constexpr int kInspectMaxJobs = 64;

/// Inspects every path `next` gives on `jobs` threads (0: inspect_default_jobs(); capped at
/// kInspectMaxJobs), each with its own inspection process when `options.isolate` (the
/// default), and gives each report to `on_report` in the order of the paths. Never fails: a
/// file that cannot be read, or that crashes, loops or exhausts a parser, is a report with its
/// problem, as with inspect_file().
///
/// `cancel`, when given, is polled (it may be set by a signal handler): once true, no further
/// path is pulled, the files being parsed finish (each within `options.time_limit`), and the
/// reports of the files before the first one not inspected are given, in order; the summary
/// says interrupted. Exceptions thrown by `next` or `on_report` stop the run and propagate
/// after the threads are joined.
SNE_EXPORT InspectFilesSummary inspect_files(const NextInspectPath& next,
                                             const InspectOptions& options, int jobs,
                                             const OnInspectReport& on_report,
                                             const std::atomic<bool>* cancel = nullptr);

/// inspect_files() over a list of paths held by the caller.
SNE_EXPORT InspectFilesSummary inspect_files(const std::vector<std::string>& paths,
                                             const InspectOptions& options, int jobs,
                                             const OnInspectReport& on_report,
                                             const std::atomic<bool>* cancel = nullptr);

}  // namespace sne
