// The preflight of many files on several threads (sne/inspect_files.hpp): the caller's thread
// pulls paths into a bounded queue and gives the reports back in order from a bounded reorder
// buffer; each worker inspects with its own inspection server (inspect/isolate.hpp), forked
// before the threads start, as the bulk engine does.
#include "sne/inspect_files.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "inspect/isolate.hpp"

namespace sne {

namespace {

/// Files an inspection server parses before a fresh one replaces it: what a hostile file may
/// have left in its memory without crashing it does not outlive that many files.
constexpr int kServedPerServer = 256;

/// Reports that may wait for their turn, per job: enough that a slow file does not idle the
/// other jobs, few enough that memory does not grow with the number of files.
constexpr std::size_t kWindowPerJob = 4;

struct Pool {
  const InspectOptions& options;
  std::mutex mutex;
  std::condition_variable work_ready;                     ///< a path was queued, or the pool closed
  std::condition_variable done_ready;                     ///< a report was made, or a worker failed
  std::deque<std::pair<std::size_t, std::string>> queue;  ///< paths not started, in order
  std::map<std::size_t, InspectReport> done;              ///< reports waiting for their turn
  bool closed = false;
  std::exception_ptr failure;  ///< what a worker threw

  explicit Pool(const InspectOptions& o) : options(o) {}
};

void work(Pool& pool, std::unique_ptr<inspect::ForkServer>& server) {
  for (;;) {
    std::pair<std::size_t, std::string> item;
    {
      std::unique_lock lock(pool.mutex);
      pool.work_ready.wait(lock, [&] { return !pool.queue.empty() || pool.closed; });
      if (pool.queue.empty()) return;
      item = std::move(pool.queue.front());
      pool.queue.pop_front();
    }
    // A server that died on a hostile file, or served its share, is replaced; none at all
    // (fork refused at the start) means a child forked per file, as inspect_file() does.
    if (server && (!server->alive() || server->served() >= kServedPerServer))
      server = inspect::start_inspection_server(pool.options);
    InspectReport report = inspect::inspect_file_served(item.second, pool.options, server.get());
    {
      std::lock_guard lock(pool.mutex);
      pool.done.emplace(item.first, std::move(report));
    }
    pool.done_ready.notify_one();
  }
}

void worker(Pool& pool, std::unique_ptr<inspect::ForkServer>& server) {
  try {
    work(pool, server);
  } catch (...) {  // nothing may leave a thread: the caller rethrows it
    std::lock_guard lock(pool.mutex);
    if (!pool.failure) pool.failure = std::current_exception();
    pool.closed = true;
    pool.work_ready.notify_all();
  }
  pool.done_ready.notify_one();
}

/// Closes the pool and joins its threads however the caller's loop ends.
struct Joiner {
  Pool& pool;
  std::vector<std::thread>& threads;
  ~Joiner() {
    {
      std::lock_guard lock(pool.mutex);
      pool.closed = true;
      pool.queue.clear();
    }
    pool.work_ready.notify_all();
    for (auto& t : threads) t.join();
  }
};

bool is_set(const std::atomic<bool>* flag) { return flag != nullptr && flag->load(); }

}  // namespace

int inspect_default_jobs() noexcept {
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores, 1U, static_cast<unsigned>(kInspectMaxJobs)));
}

InspectFilesSummary inspect_files(const NextInspectPath& next, const InspectOptions& options,
                                  int jobs, const OnInspectReport& on_report,
                                  const std::atomic<bool>* cancel) {
  if (jobs <= 0) jobs = inspect_default_jobs();
  jobs = std::min(jobs, kInspectMaxJobs);
  const auto n = static_cast<std::size_t>(jobs);
  const std::size_t window = n * kWindowPerJob;

  Pool pool(options);
  // Forked now, before any thread: a fork per file of a multi-threaded caller costs more than
  // the parsing (see ForkServer).
  std::vector<std::unique_ptr<inspect::ForkServer>> servers(n);
  if (options.isolate)
    for (auto& server : servers) server = inspect::start_inspection_server(options);
  std::vector<std::thread> threads;
  threads.reserve(n);
  InspectFilesSummary summary;
  {
    Joiner joiner{pool, threads};
    for (std::size_t i = 0; i < n; ++i)
      threads.emplace_back(worker, std::ref(pool), std::ref(servers[i]));

    std::size_t pulled = 0;  // paths queued so far: the index of the next one
    std::size_t end = 0;     // once known (end of the list, or cancelled): no report past it
    bool ended = false;
    for (;;) {
      if (!summary.interrupted && is_set(cancel)) {
        // The paths not started are dropped: the reports stop before the first of them.
        std::lock_guard lock(pool.mutex);
        end = pool.queue.empty() ? pulled : pool.queue.front().first;
        pool.queue.clear();
        ended = true;
        summary.interrupted = true;
      }
      while (!ended && pulled - summary.files < window) {
        auto path = next();
        if (!path) {
          end = pulled;
          ended = true;
          break;
        }
        {
          std::lock_guard lock(pool.mutex);
          pool.queue.emplace_back(pulled++, std::move(*path));
        }
        pool.work_ready.notify_one();
      }
      if (ended && summary.files >= end) break;
      std::optional<InspectReport> report;
      {
        std::unique_lock lock(pool.mutex);
        // A signal handler cannot notify: the cancel flag is polled.
        pool.done_ready.wait_for(lock, std::chrono::milliseconds(100), [&] {
          return pool.failure || pool.done.count(summary.files) != 0;
        });
        if (pool.failure) std::rethrow_exception(pool.failure);
        auto it = pool.done.find(summary.files);
        if (it != pool.done.end()) {
          report = std::move(it->second);
          pool.done.erase(it);
        }
      }
      if (!report) continue;
      on_report(*report);
      ++summary.files;
    }
  }
  return summary;
}

InspectFilesSummary inspect_files(const std::vector<std::string>& paths,
                                  const InspectOptions& options, int jobs,
                                  const OnInspectReport& on_report,
                                  const std::atomic<bool>* cancel) {
  std::size_t i = 0;
  return inspect_files(
      [&]() -> std::optional<std::string> {
        if (i == paths.size()) return std::nullopt;
        return paths[i++];
      },
      options, jobs, on_report, cancel);
}

}  // namespace sne
