// The fiches of a manifest, row by row: de-duplication, per-row errors, one PDF per row or one
// merged PDF.
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/fiche.hpp"

namespace sne {

namespace {

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// A fiche that cannot be written for a cause every later row would meet too (a full disk, a
/// read-only or vanished folder, no permission): every io error of the one atomic writer, as
/// the file names differ only by a numéro already checked. A folder in a fiche's place is
/// invalid_input, a failure of that row only.
bool affects_the_whole_folder(const Error& e) { return e.code() == ErrorCode::io; }

/// A row of a parallel batch on its way: its outcome once known, in the order of the manifest.
struct Entry {
  FicheRowOutcome row;
  std::size_t read = 0;   ///< tally.read when the row was read, as run() reports it
  std::uint64_t key = 0;  ///< hash of the numéro, for a row sent to a worker
  bool pending = false;   ///< sent to a worker, which has not finished it
  bool to_write = false;  ///< sent to a worker (its success marks the numéro as done)
  Status stopped;         ///< a failure that stops the batch at this row
};

struct Task {
  std::size_t index = 0;
  Fiche fiche;
  std::string path;
};

/// The workers of a parallel batch: each renders with its own FicheRenderer and writes the
/// file; the caller's thread reads, checks and reports.
struct Workers {
  const FicheBatchOptions& options;
  std::mutex mutex;
  std::condition_variable work_ready, done_ready;
  std::deque<Task> tasks;
  std::map<std::size_t, Entry>& entries;  ///< guarded by mutex
  bool closed = false;
  std::vector<std::thread> threads;

  Workers(const FicheBatchOptions& o, std::map<std::size_t, Entry>& e, int jobs)
      : options(o), entries(e) {
    for (int i = 0; i < jobs; ++i) threads.emplace_back([this] { work(); });
  }
  ~Workers() {
    {
      std::lock_guard lock(mutex);
      closed = true;
      tasks.clear();
    }
    work_ready.notify_all();
    for (auto& t : threads) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  void push(Task task) {
    {
      std::lock_guard lock(mutex);
      tasks.push_back(std::move(task));
    }
    work_ready.notify_one();
  }

  void work() {
    FicheRenderer renderer(options.render);
    for (;;) {
      Task task;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&] { return !tasks.empty() || closed; });
        if (tasks.empty()) return;
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      std::optional<Error> error;
      Status stopped;
      try {
        auto pdf = renderer.render(task.fiche);
        if (!pdf) {
          error = pdf.error();
        } else if (auto st = write_file_atomically(task.path, *pdf); !st) {
          if (affects_the_whole_folder(st.error()))
            stopped = st;
          else
            error = st.error();
        }
      } catch (const std::exception& e) {  // nothing may leave a thread
        error = Error(ErrorCode::internal, i18n::format(N_("fiche batch worker: {}"), e.what()));
      }
      {
        std::lock_guard lock(mutex);
        Entry& entry = entries.at(task.index);
        entry.pending = false;
        entry.stopped = std::move(stopped);
        if (error)
          entry.row.error = std::move(error);
        else
          entry.row.file = std::move(task.path);
      }
      done_ready.notify_one();
    }
  }
};

/// The folder of one PDF per row, made with its parents when missing.
Status make_folder(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Error(ErrorCode::io, fmt::format("{}: {}", dir, ec.message()), dir);
  return {};
}

/// The fiche of a manifest's row, for the guichet the batch runs for.
Result<Fiche> fiche_of(const FicheManifestRow& r, const FicheInput& guichet) {
  FicheInput in = guichet;
  in.numero_unique = r.numero_unique;
  in.contexte = r.contexte;
  in.date_depot = r.date_depot;
  return make_fiche(in);
}

/// Why a row whose numéro an earlier row had is refused.
Error repeated(const Fiche& fiche) {
  return Error(ErrorCode::invalid_input,
               i18n::format(N_("numero: {} already on an earlier line"), fiche.numero_unique),
               "numero");
}

}  // namespace

Result<FicheBatchSummary> FicheBatch::run(const std::string& manifest_path, int jobs) {
  const FicheBatchOptions& o = options_;
  if (jobs <= 0) jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  jobs = std::min(jobs, 64);
  if (jobs == 1 || !o.merge.empty() || o.output_dir.empty()) return run(manifest_path);
  auto manifest = FicheManifest::open(manifest_path);
  if (!manifest) return manifest.error();
  if (auto made = make_folder(o.output_dir); !made) return made.error();
  auto cancelled = [&] { return o.cancel != nullptr && o.cancel->load(); };

  FicheBatchSummary summary;
  summary.output = o.output_dir;
  FicheBatchTally tally;  // as reported: the rows up to the last one given to on_row
  std::size_t read = 0;   // rows read as CSV so far, ahead of the reports
  std::unordered_set<std::uint64_t> seen;                    // numéros written, as in run()
  std::unordered_map<std::uint64_t, std::size_t> in_flight;  // numéro -> its row's index
  std::map<std::size_t, Entry> entries;  // rows read and not yet reported: at most a window
  const std::size_t window = static_cast<std::size_t>(jobs) * 4;
  std::size_t next = 0, reported = 0;
  Workers workers(o, entries, jobs);

  // Reports the oldest row once its outcome is known; false when the batch stops at it.
  auto report_one = [&]() -> bool {
    Entry entry;
    {
      std::unique_lock lock(workers.mutex);
      workers.done_ready.wait(lock, [&] { return !entries.at(reported).pending; });
      auto it = entries.find(reported);
      entry = std::move(it->second);
      entries.erase(it);
    }
    ++reported;
    if (entry.to_write) in_flight.erase(entry.key);
    tally.read = entry.read;
    if (!entry.stopped) {
      summary.stopped = std::move(entry.stopped);
      return false;
    }
    if (entry.row.error) {
      ++tally.failed;
    } else {
      ++tally.done;
      if (entry.to_write) seen.insert(entry.key);
    }
    if (o.on_row) o.on_row(entry.row, tally);
    return true;
  };
  auto add = [&](Entry entry) {
    std::lock_guard lock(workers.mutex);
    entries.emplace(next++, std::move(entry));
  };
  auto fail = [&](std::size_t line, const std::string& input, Error e) {
    Entry entry;
    entry.read = read;
    entry.row.line = line;
    entry.row.input = input;
    entry.row.error = std::move(e);
    add(std::move(entry));
  };
  bool going = true;
  while (going && !cancelled()) {
    while (going && next - reported >= window) going = report_one();
    if (!going) break;
    auto row = manifest->next();
    if (!row) {
      if (row.error().code() == ErrorCode::io) {
        // Stops after the rows before it, as run() does.
        while (going && reported < next) going = report_one();
        if (going) {
          tally.read = read;
          summary.stopped = row.error();
        }
        going = false;
        break;
      }
      fail(manifest->line(), "", row.error());
      continue;
    }
    if (!*row) break;
    ++read;
    const FicheManifestRow& r = **row;
    auto fiche = fiche_of(r, o.guichet);
    if (!fiche) {
      fail(r.line, r.numero_unique, fiche.error());
      continue;
    }
    const std::uint64_t key = fnv1a(fiche->numero_unique);
    // A numéro whose earlier row is still being written: its fate decides this row's.
    while (going && in_flight.count(key) != 0) going = report_one();
    if (!going) break;
    if (seen.count(key) != 0) {
      fail(r.line, r.numero_unique, repeated(*fiche));
      continue;
    }
    Entry entry;
    entry.read = read;
    entry.row.line = r.line;
    entry.row.input = r.numero_unique;
    entry.key = key;
    entry.pending = true;
    entry.to_write = true;
    in_flight[key] = next;
    Task task;
    task.index = next;
    task.path = o.output_dir + "/" + fiche->numero_unique + ".pdf";
    task.fiche = std::move(*fiche);
    add(std::move(entry));
    workers.push(std::move(task));
  }
  // The rows read are finished and reported, unless a failure stopped the batch.
  while (going && reported < next) going = report_one();
  summary.interrupted = cancelled();
  if (!going && !summary.stopped) {
    summary.read = tally.read;  // as run(): the rows up to the one that stopped it
  } else {
    summary.read = std::max(tally.read, read);
  }
  summary.failed = tally.failed;
  summary.written = tally.done;
  return summary;
}

FicheBatch::FicheBatch(FicheBatchOptions options) : options_(std::move(options)) {}

Result<FicheBatchSummary> FicheBatch::run(const std::string& manifest_path) {
  const FicheBatchOptions& o = options_;
  if (o.output_dir.empty() == o.merge.empty())
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("give either a folder for one PDF per row or one file for the "
                                 "merged PDF")),
                 "output");
  auto manifest = FicheManifest::open(manifest_path);
  if (!manifest) return manifest.error();
  if (!o.output_dir.empty())
    if (auto made = make_folder(o.output_dir); !made) return made.error();
  auto cancelled = [&] { return o.cancel != nullptr && o.cancel->load(); };

  FicheBatchSummary summary;
  summary.merged = !o.merge.empty();
  summary.output = summary.merged ? o.merge : o.output_dir;
  FicheBatchTally tally;
  std::vector<Fiche> merged;
  // 64-bit hashes of the numéros done, to refuse a second row of the same demande: a few bytes
  // a row, so peak memory stays flat in practice (a collision, about one chance in 10^8 for a
  // million rows, would refuse a row wrongly, never overwrite a fiche).
  std::unordered_set<std::uint64_t> seen;
  auto report = [&](const FicheRowOutcome& row) {
    if (row.error)
      ++tally.failed;
    else
      ++tally.done;
    if (o.on_row) o.on_row(row, tally);
  };
  auto fail = [&](std::size_t line, const std::string& input, Error e) {
    FicheRowOutcome row;
    row.line = line;
    row.input = input;
    row.error = std::move(e);
    report(row);
  };
  FicheRenderer renderer(o.render);
  while (!cancelled() && summary.stopped) {
    auto next = manifest->next();
    if (!next) {
      if (next.error().code() == ErrorCode::io) {
        summary.stopped = next.error();
        break;
      }
      fail(manifest->line(), "", next.error());
      continue;
    }
    if (!*next) break;
    ++tally.read;
    const FicheManifestRow& r = **next;
    auto fiche = fiche_of(r, o.guichet);
    if (!fiche) {
      fail(r.line, r.numero_unique, fiche.error());
      continue;
    }
    const std::uint64_t key = fnv1a(fiche->numero_unique);
    if (seen.count(key) != 0) {
      fail(r.line, r.numero_unique, repeated(*fiche));
      continue;
    }
    FicheRowOutcome done;
    done.line = r.line;
    done.input = r.numero_unique;
    if (summary.merged) {
      seen.insert(key);
      merged.push_back(std::move(*fiche));
      report(done);
      continue;
    }
    auto pdf = renderer.render(*fiche);
    if (!pdf) {
      fail(r.line, r.numero_unique, pdf.error());
      continue;
    }
    std::string path = o.output_dir + "/" + fiche->numero_unique + ".pdf";
    if (auto st = write_file_atomically(path, *pdf); !st) {
      if (affects_the_whole_folder(st.error()))
        summary.stopped = st;
      else
        fail(r.line, r.numero_unique, st.error());
      continue;
    }
    seen.insert(key);
    done.file = std::move(path);
    report(done);
  }
  summary.interrupted = cancelled();
  summary.read = tally.read;
  summary.failed = tally.failed;
  summary.written = summary.merged ? 0 : tally.done;
  if (summary.stopped && summary.merged && !merged.empty() && !summary.interrupted) {
    auto pdf = render_fiches_pdf(merged, o.render);
    if (!pdf) return pdf.error();
    if (auto st = write_file_atomically(o.merge, *pdf); !st) return st.error();
    summary.written = merged.size();
  }
  return summary;
}

}  // namespace sne
