// The bulk engine: a reader thread streams the manifest into a bounded queue, workers (each
// with its own Service) preflight, record, send and record again. A shared pacer spaces the
// starts of rows: by --rate, and by an adaptive pace that doubles when the service says 429 or
// 503 and decays on success (as rclone's pacer does).
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "base/file.hpp"
#include "base/i18n.hpp"
#include "bulk/journal.hpp"
#include "crypto/crypto.hpp"
#include "inspect/isolate.hpp"
#include "sne/bulk.hpp"
#include "sne/numero.hpp"
#include "sne/pack.hpp"
#include "sne/send.hpp"

namespace sne::bulk {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kRowAttempts = 3;  // per run, each with the Service's own retries inside

bool cancelled(const CancelFlag* flag) { return flag != nullptr && flag->load(); }

/// Sleeps `d` in small steps; false when cancelled meanwhile.
bool sleep_for(milliseconds d, const CancelFlag* cancel, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
    if (cancelled(cancel) || stop.load()) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(milliseconds(50), until - Clock::now()));
  }
  return true;
}

class Pacer {
 public:
  explicit Pacer(double rate)
      : interval_(rate > 0 ? std::chrono::nanoseconds(static_cast<long long>(1e9 / rate))
                           : std::chrono::nanoseconds(0)) {}

  /// The service asked to slow down (429, 503): the pace between row starts doubles; a 429
  /// with a wait also holds every start until then.
  void slow_down(int status, milliseconds wait) {
    // Only the service's own "slow down" counts: a dropped connection (status 0) or a 500 says
    // nothing of the pace, and doubling on them let the pace climb to its cap under a few
    // percent of drops.
    if (status != 429 && status != 503) return;
    std::lock_guard lock(mutex_);
    pace_ = std::clamp(std::max(pace_ * 2, std::chrono::nanoseconds(wait) / 4),
                       std::chrono::nanoseconds(milliseconds(20)),
                       std::chrono::nanoseconds(milliseconds(10000)));
    if (status == 429 && wait > milliseconds(0))
      not_before_ = std::max(not_before_, Clock::now() + wait);
  }
  void success() {
    std::lock_guard lock(mutex_);
    pace_ = pace_ / 2;  // a row succeeds after several requests, each of which may double it
    if (pace_ < milliseconds(10)) pace_ = std::chrono::nanoseconds(0);
  }
  /// Waits for this worker's turn to start a row; false when cancelled.
  bool turn(const CancelFlag* cancel, const std::atomic<bool>& stop) {
    Clock::time_point at;
    {
      std::lock_guard lock(mutex_);
      at = std::max({Clock::now(), next_, not_before_});
      next_ = at + std::max(interval_, pace_);
    }
    return sleep_for(std::chrono::duration_cast<milliseconds>(at - Clock::now()), cancel, stop);
  }

 private:
  std::mutex mutex_;
  std::chrono::nanoseconds interval_;
  std::chrono::nanoseconds pace_{0};
  Clock::time_point next_{};
  Clock::time_point not_before_{};
};

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

RowOutcome outcome_of(const ManifestRow& r) {
  RowOutcome o;
  o.row = r.row;
  o.numero_unique = r.numero_unique;
  o.type = r.type;
  o.files = r.files;
  o.contexte = r.contexte;
  o.date_emission = r.date_emission;
  o.date_expiration = r.date_expiration;
  o.annee_revenus = r.annee_revenus;
  o.pack = r.pack;
  o.idempotency_key = r.idempotency_key;
  return o;
}

void fail(RowOutcome& o, RowStatus status, std::string code, std::string message) {
  o.status = status;
  o.error_code = std::move(code);
  o.message = std::move(message);
}

void fail(RowOutcome& o, const Error& e) {
  fail(o, e.retryable() ? RowStatus::failed_transient : RowStatus::failed_permanent,
       std::string(to_string(e.code())), e.message());
}

bool in_shard(const RunOptions& o, std::size_t row) {
  return !o.shard ||
         static_cast<int>(row % static_cast<std::size_t>(o.shard->second)) == o.shard->first;
}

Result<FileRecord> stat_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
    return Error(ErrorCode::invalid_input, i18n::format(N_("{}: no such file"), path), path);
  return FileRecord{
      path,
      static_cast<std::uint64_t>(st.st_size),
      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
      {}};
}

/// The files a row sends: its own, or the PDF its images are packed into (in `work`).
struct Prepared {
  std::vector<std::string> send;       ///< paths to send
  std::vector<FileRecord> sources;     ///< the row's files as they are now
  std::vector<InspectReport> reports;  ///< of `send`
  std::vector<std::string> sha256;     ///< of `send`
  std::string packed;                  ///< the packed PDF to delete after, if any
};

/// Reads, packs, inspects and hashes the row's files; an outcome when the row fails here.
std::optional<RowOutcome> prepare(const RunOptions& o, const Catalog& catalog,
                                  const ManifestRow& row, const std::string& work,
                                  const std::optional<JournalRow>& recorded,
                                  inspect::ForkServer* server, Prepared& p) {
  RowOutcome out = outcome_of(row);
  out.status = RowStatus::failed_permanent;
  if (row.error) {
    fail(out, RowStatus::failed_permanent, std::string(to_string(row.error->code())),
         row.error->message());
    return out;
  }
  if (catalog.find_type(row.type) == nullptr) {
    fail(out, RowStatus::failed_permanent, "unknown_type",
         i18n::format(N_("piece type '{}' is not in the plan de classement"), row.type));
    return out;
  }
  for (const auto& f : row.files) {
    auto st = stat_file(f);
    if (!st) {
      fail(out, RowStatus::failed_permanent, "file_unreadable", st.error().message());
      return out;
    }
    out.bytes += st->size;
    p.sources.push_back(*st);
  }
  // A row that may have been sent already (its key recorded) must send the same bytes.
  if (recorded && !recorded->key.empty() && recorded->files.size() == p.sources.size()) {
    for (std::size_t i = 0; i < p.sources.size(); ++i) {
      const FileRecord& was = recorded->files[i];
      FileRecord& now = p.sources[i];
      if (was.size == now.size && was.mtime_ns == now.mtime_ns) {
        now.sha256 = was.sha256;
        continue;
      }
      auto h = crypto::sha256_file_hex(now.path);
      if (!h || *h != was.sha256) {
        fail(out, RowStatus::failed_permanent, "file_changed",
             i18n::format(N_("{} changed since the journal recorded it ({} bytes then, {} now): "
                             "the row is not sent; fix the file or give the row a new "
                             "idempotency_key"),
                          now.path, was.size, now.size));
        return out;
      }
      now.sha256 = *h;
    }
  }
  if (row.pack) {
    p.packed = fmt::format("{}/row-{}.pdf", work, row.row);
    PackOptions pack;
    pack.overwrite = true;
    auto packed = pack_images(row.files, p.packed, pack);
    if (!packed) {
      fail(out, RowStatus::failed_permanent, "pack_failed", packed.error().message());
      return out;
    }
    p.send = {p.packed};
  } else {
    p.send = row.files;
  }
  InspectOptions options = o.preflight;
  options.catalog = &catalog;
  options.type = row.type;
  for (const auto& f : p.send) {
    p.reports.push_back(inspect::inspect_file_served(f, options, server));
    const InspectReport& r = p.reports.back();
    if (!r.ok()) {
      fail(out, RowStatus::failed_permanent, r.problems.front().code,
           i18n::format(N_("{}: {}"), f, i18n::Nested{r.problems.front().message}));
      return out;
    }
    if (o.strict && !r.warnings.empty()) {
      fail(out, RowStatus::failed_permanent, r.warnings.front().code,
           i18n::format(N_("{}: {} (refused as strict)"), f,
                        i18n::Nested{r.warnings.front().message}));
      return out;
    }
  }
  for (std::size_t i = 0; i < p.send.size(); ++i) {
    if (!row.pack && !p.sources[i].sha256.empty()) {
      p.sha256.push_back(p.sources[i].sha256);
      continue;
    }
    auto h = crypto::sha256_file_hex(p.send[i]);
    if (!h) {
      fail(out, RowStatus::failed_permanent, "file_unreadable", h.error().message());
      return out;
    }
    p.sha256.push_back(*h);
    if (!row.pack) p.sources[i].sha256 = *h;
  }
  if (row.pack)
    for (auto& s : p.sources) {
      auto h = crypto::sha256_file_hex(s.path);
      if (h) s.sha256 = *h;
    }
  return std::nullopt;
}

Result<SendPiecesInput> send_input(const RunOptions& o, const ManifestRow& row, const Prepared& p) {
  SendPiecesInput in;
  in.numero_unique = row.numero_unique;
  in.type = row.type;
  // The manifest reader refuses a row of an unknown contexte (row.error), so this cannot fail;
  // if it ever did, the row fails rather than going out as an "ajout".
  auto contexte = parse_contexte(row.contexte.empty() ? "ajout" : row.contexte);
  if (!contexte) return Error(contexte.error()).prefixed("contexte");
  in.contexte = *contexte;
  in.files = p.send;
  in.date_emission = row.date_emission;
  in.date_expiration = row.date_expiration;
  in.annee_revenus = row.annee_revenus;
  in.idempotency_key = row.idempotency_key;
  in.catalog = o.catalog;
  in.preflight = o.preflight;
  in.strict = o.strict;
  in.inspected = p.reports;
  in.sha256 = p.sha256;
  return in;
}

/// A check's verdict on a row that passed, kept to count the rows of a demande and type
/// together at the end; failures are reported at once.
struct Passed {
  std::size_t row = 0;
  std::string numero, type;
  int adding = 0;
};

/// What the workers share.
struct Run {
  const RunOptions& options;
  const Catalog& catalog;
  Journal* journal = nullptr;  ///< null for a check without a journal
  bool write_journal = true;   ///< false for a dry run: the journal is only read
  std::string work;            ///< folder for packed PDFs
  bool check = false;          ///< check only (dry run): nothing is uploaded
  bool retry_failed = false;
  Pacer pacer;

  std::mutex mutex;
  std::condition_variable ready, room;
  std::deque<ManifestRow> queue;
  bool closed = false;
  std::size_t capacity = 16;
  int workers_left = 0;  ///< guarded by mutex

  std::atomic<bool> stop{false};
  std::optional<Error> stopped;  ///< guarded by mutex
  std::atomic<int> transient_in_a_row{0};
  int transient_limit = 10;

  std::mutex progress_mutex;
  Progress progress;
  Clock::time_point start = Clock::now();
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::size_t> tried{0};   ///< rows this run worked on (not those the journal settled)
  std::vector<Passed> passed;          ///< check: rows that passed, for the grouped room check
  std::array<std::size_t, 6> tally{};  ///< check: rows by status

  Run(const RunOptions& o, const Catalog& c) : options(o), catalog(c), pacer(o.rate) {}

  bool cancelled_or_stopped() const { return stop.load() || cancelled(options.cancel); }

  void halt(Error e) {
    std::lock_guard lock(mutex);
    if (!stopped) stopped = std::move(e);
    stop = true;
    ready.notify_all();
    room.notify_all();
  }

  bool recording() const { return journal != nullptr && write_journal; }

  void report(const RowOutcome& out, bool counted) {
    std::lock_guard lock(progress_mutex);
    if (counted) {
      ++progress.done;
      if (out.status == RowStatus::failed_permanent || out.status == RowStatus::failed_transient)
        ++progress.failed;
    }
    progress.bytes = bytes.load();
    progress.elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    if (check && out.status == RowStatus::sent)
      passed.push_back({out.row, out.numero_unique, out.type,
                        static_cast<int>(out.pack ? 1 : out.files.size())});
    if (check) ++tally[static_cast<std::size_t>(out.status)];
    if (options.on_row) options.on_row(out);
    if (options.on_progress) options.on_progress(progress);
  }
};

/// Sends one row: its outcome (pending when the run stops before it is done).
RowOutcome send_row(Run& run, Service& service, inspect::ForkServer* server,
                    const ManifestRow& row) {
  const auto recorded = run.journal ? run.journal->row(row.row) : std::nullopt;
  RowOutcome out = outcome_of(row);
  if (recorded && !recorded->key.empty() && !run.check) {
    // A key on record may have made its pli already (a kill after the service committed):
    // that is asked first, whatever became of the files since.
    auto made = find_sent_pli(service, recorded->key);
    if (!made) {
      if (made.error().code() == ErrorCode::unauthenticated) run.halt(made.error());
      fail(out, made.error());
      if (made.error().code() == ErrorCode::unauthenticated) out.status = RowStatus::pending;
      return out;
    }
    if (*made && (*made)->resume.numero_unique == row.numero_unique) {
      out.status = RowStatus::already_sent;
      out.transaction = (*made)->resume.transaction;
      for (const auto& f : recorded->files) out.bytes += f.size;
      return out;
    }
  }
  Prepared p;
  if (auto failed = prepare(run.options, run.catalog, row, run.work, recorded, server, p))
    return *failed;
  struct Unpack {  // the packed PDF holds scans: gone whatever the outcome
    const std::string& path;
    ~Unpack() {
      if (!path.empty()) (void)std::remove(path.c_str());
    }
  } unpack{p.packed};
  for (const auto& s : p.sources) out.bytes += s.size;
  auto input = send_input(run.options, row, p);
  if (!input) {
    fail(out, input.error());
    out.status = RowStatus::failed_permanent;
    return out;
  }
  SendPiecesInput in = std::move(*input);
  in.dry_run = run.check;
  auto key = recorded && !recorded->key.empty() ? Result<std::string>(recorded->key)
                                                : send_idempotency_key(in, p.sha256);
  if (!key) {
    fail(out, key.error());
    out.status = RowStatus::failed_permanent;
    return out;
  }
  in.idempotency_key = *key;
  if (run.recording()) {
    // The key is on disk before the first request that carries it: a kill from here on finds
    // it, and the service answers the same pli for it.
    auto begun = run.journal->begin(row, *key, p.sources);
    if (!begun) {
      run.halt(begun.error());
      out.status = RowStatus::pending;
      return out;
    }
    out.attempts = (recorded ? recorded->attempts : 0) + 1;
  }
  for (int attempt = 1;; ++attempt) {
    auto sent = send_pieces(service, in);
    if (sent) {
      run.pacer.success();
      run.transient_in_a_row = 0;
      out.status = sent->replayed ? RowStatus::already_sent : RowStatus::sent;
      if (run.check && !sent->replayed) out.message = i18n::format(N_("would be sent"));
      if (!sent->replayed && !run.check) run.bytes += sent->bytes;
      out.transaction = sent->pli.resume.transaction;
      for (const auto& w : sent->warnings)
        out.message += (out.message.empty() ? "" : "; ") + w.code + ": " + w.message;
      return out;
    }
    const Error& e = sent.error();
    if (e.code() == ErrorCode::unauthenticated) {
      run.halt(e);
      out.status = RowStatus::pending;
      return out;
    }
    if (e.code() == ErrorCode::cancelled) {
      out.status = RowStatus::pending;
      return out;
    }
    if (!e.retryable()) {
      fail(out, e);
      return out;
    }
    run.pacer.slow_down(e.http_status(), milliseconds(1000));
    if (attempt >= kRowAttempts) {
      fail(out, e);
      if (++run.transient_in_a_row >= run.transient_limit)
        run.halt(
            Error(e.code(), i18n::format(N_("{} rows in a row failed after retries, the last: {}"),
                                         run.transient_limit, i18n::Nested{e.message()}))
                .with_http(e.http_status()));
      return out;
    }
    static thread_local std::mt19937 rng(std::random_device{}());
    const milliseconds wait(std::uniform_int_distribution<long long>(500, 1000)(rng) << attempt);
    if (!sleep_for(wait, run.options.cancel, run.stop)) {
      out.status = RowStatus::pending;
      return out;
    }
  }
}

/// Files an inspection server parses before a fresh one replaces it: what a hostile file may
/// have left in its memory without crashing it does not outlive that many files.
constexpr int kServedPerServer = 256;

void work(Run& run, std::unique_ptr<inspect::ForkServer>& server) {
  auto service = run.options.open_service(
      [&run](int status, milliseconds wait) { run.pacer.slow_down(status, wait); });
  if (!service) {
    run.halt(service.error());
    return;
  }
  for (;;) {
    ManifestRow row;
    {
      std::unique_lock lock(run.mutex);
      // A signal handler cannot notify: the cancel flag is polled.
      while (run.queue.empty() && !run.closed && !run.cancelled_or_stopped())
        run.ready.wait_for(lock, milliseconds(100));
      if (run.queue.empty() || run.cancelled_or_stopped()) return;
      row = std::move(run.queue.front());
      run.queue.pop_front();
      run.room.notify_one();
    }
    if (!run.pacer.turn(run.options.cancel, run.stop)) return;  // the row stays pending
    if (server && (!server->alive() || server->served() >= kServedPerServer))
      server = inspect::start_inspection_server(run.options.preflight);  // null: forks per file
    RowOutcome out = send_row(run, **service, server.get(), row);
    if (out.status != RowStatus::pending) ++run.tried;
    if (run.recording() && out.status != RowStatus::pending) {
      auto recorded = run.journal->finish(out);
      if (!recorded) run.halt(recorded.error());
    }
    run.report(out, out.status != RowStatus::pending);
  }
}

void worker(Run& run, std::unique_ptr<inspect::ForkServer>& server) {
  // Nothing may leave a thread: a failure stops the run, named.
  try {
    work(run, server);
  } catch (const std::exception& e) {
    run.halt(Error(ErrorCode::internal, i18n::format(N_("bulk worker: {}"), e.what())));
  }
  std::lock_guard lock(run.mutex);
  --run.workers_left;
  run.room.notify_all();
}

/// The outcome a row already has in the journal and keeps without being tried.
std::optional<RowOutcome> settled(Run& run, const ManifestRow& row) {
  if (!run.journal) return std::nullopt;
  auto recorded = run.journal->row(row.row);
  if (!recorded) return std::nullopt;
  const bool done = recorded->status == RowStatus::sent ||
                    recorded->status == RowStatus::already_sent ||
                    (recorded->status == RowStatus::failed_permanent && !run.retry_failed);
  if (!done) return std::nullopt;
  std::optional<RowOutcome> out;
  run.journal->for_each([&](const RowOutcome& o) { out = o; }, row.row);
  return out;
}

/// The rows of the manifest (of the shard), counted beforehand for the progress and for the
/// journal (a run is finished when every one of them is): a pass of the reader alone.
Result<std::size_t> count_rows(const RunOptions& o, const std::string& manifest_path) {
  auto reader = ManifestReader::open(manifest_path);
  if (!reader) return reader.error();
  std::size_t n = 0;
  for (;;) {
    auto next = (*reader)->next();
    if (!next) return next.error();
    if (!*next) return n;
    if (in_shard(o, (**next).row)) ++n;
  }
}

Result<Summary> execute(Run& run, const std::string& manifest_path) {
  const RunOptions& o = run.options;
  if (o.parallel < 1 || o.parallel > 64)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("parallel must be 1 to 64, not {}"), o.parallel), "parallel");
  if (o.shard && (o.shard->second < 1 || o.shard->first < 0 || o.shard->first >= o.shard->second))
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("shard K/N needs 0 <= K < N, not {}/{}"), o.shard->first, o.shard->second),
        "shard");
  if (!o.open_service)
    return Error(ErrorCode::invalid_input, i18n::format(N_("no service to send to")));
  auto total = count_rows(o, manifest_path);
  if (!total) return total.error();
  auto reader = ManifestReader::open(manifest_path);
  if (!reader) return reader.error();
  if (run.recording()) {
    auto counted = run.journal->set_manifest_rows(*total);
    if (!counted) return counted.error();
  }
  {
    std::lock_guard lock(run.progress_mutex);
    run.progress.total = *total;
  }
  run.capacity = static_cast<std::size_t>(o.parallel) * 2;
  run.transient_limit = std::max(10, o.parallel * 2);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<std::size_t>(o.parallel));
  // The preflight runs in inspection servers forked now, before any thread, one per worker,
  // each parsing file after file: a fork of this process per file, with its workers' buffers
  // and threads, cost more than the parsing.
  std::vector<std::unique_ptr<inspect::ForkServer>> servers;
  servers.resize(static_cast<std::size_t>(o.parallel));
  if (o.preflight.isolate)
    for (auto& server : servers) server = inspect::start_inspection_server(o.preflight);
  run.workers_left = o.parallel;
  for (int i = 0; i < o.parallel; ++i)
    workers.emplace_back(worker, std::ref(run), std::ref(servers[static_cast<std::size_t>(i)]));
  std::optional<Error> read_error;
  for (;;) {
    if (run.cancelled_or_stopped()) break;  // the rows not read stay pending
    auto next = (*reader)->next();
    if (!next) {
      read_error = next.error();
      break;
    }
    if (!*next) break;
    ManifestRow& row = **next;
    if (!in_shard(o, row.row)) continue;
    if (auto kept = settled(run, row)) {
      run.report(*kept, true);
      continue;
    }
    std::unique_lock lock(run.mutex);
    while (run.queue.size() >= run.capacity && run.workers_left > 0 && !run.cancelled_or_stopped())
      run.room.wait_for(lock, milliseconds(100));
    if (run.cancelled_or_stopped() || run.workers_left == 0) break;
    run.queue.push_back(std::move(row));
    run.ready.notify_one();
  }
  {
    std::lock_guard lock(run.mutex);
    run.closed = true;
    run.ready.notify_all();
  }
  for (auto& w : workers) w.join();
  run.queue.clear();  // rows a stop left unsent: pending, as every row not yet recorded
  if (read_error) return *read_error;
  Summary s;
  if (run.journal) s = run.journal->summary();
  s.rows = *total;
  if (run.journal) {
    const std::size_t recorded =
        s.sent + s.already_sent + s.failed_permanent + s.failed_transient + s.skipped;
    s.pending = s.rows > recorded ? s.rows - recorded : 0;
  }
  s.bytes = run.bytes;
  s.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - run.start);
  const double seconds = std::max(1e-3, static_cast<double>(s.duration.count()) / 1000.0);
  s.plis_per_second = static_cast<double>(run.tried.load()) / seconds;
  if (run.stopped)
    s.stopped = run.stopped;
  else if (cancelled(o.cancel))
    s.stopped = Error(ErrorCode::cancelled, "interrupted");
  return s;
}

std::string safe_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
    if (out.size() >= 40) break;
  }
  return out;
}

}  // namespace

std::string default_journal_folder(const Paths& paths) { return paths.state_dir + "/bulk"; }

Result<std::string> default_journal_path(const std::string& manifest, const std::string& folder,
                                         std::optional<std::pair<int, int>> shard) {
  auto sha = crypto::sha256_file_hex(manifest);
  if (!sha) return sha.error();
  const std::string abs = absolute_path(manifest);
  const std::string shard_part =
      shard ? fmt::format("-shard{}of{}", shard->first, shard->second) : std::string();
  const std::string id = crypto::sha256_hex(abs + "\n" + *sha + "\n" + shard_part).substr(0, 16);
  return fmt::format("{}/{}-{}{}.journal", folder,
                     safe_name(std::filesystem::path(manifest).filename().string()), id,
                     shard_part);
}

namespace {

/// Rows of one demande and type are counted together: each may fit alone, not all of them.
/// The rows that would not fit are reported again, failed (the later verdict replaces the
/// earlier one).
Status check_together(Run& run, Summary& s) {
  const RunOptions& options = run.options;
  std::sort(run.passed.begin(), run.passed.end(),
            [](const Passed& a, const Passed& b) { return a.row < b.row; });
  std::map<std::pair<std::string, std::string>, std::vector<const Passed*>> groups;
  for (const auto& p : run.passed) {
    auto numero = NumeroUnique::parse(p.numero);
    if (numero) groups[{numero->str(), p.type}].push_back(&p);
  }
  std::unique_ptr<Service> service;
  for (auto& [key, rows] : groups) {
    if (rows.size() < 2) continue;
    if (!service) {
      auto opened = options.open_service({});
      if (!opened) return opened.error();
      service = std::move(*opened);
    }
    auto demande = service->demande(key.first);
    const PieceType* type = run.catalog.find_type(key.second);
    if (!demande || type == nullptr) continue;
    int held = 0;
    for (const auto& piece : demande->pieces) held += piece.type == key.second ? 1 : 0;
    for (const Passed* r : rows) {
      if (held + r->adding <= type->max_pieces) {
        held += r->adding;
        continue;
      }
      RowOutcome o;
      o.row = r->row;
      o.numero_unique = r->numero;
      o.type = r->type;
      fail(o, RowStatus::failed_permanent, "category_full",
           i18n::format(N_("with the rows before it, category '{}' of demande {} would hold "
                           "more than {} pieces"),
                        key.second, key.first, type->max_pieces));
      --run.tally[static_cast<std::size_t>(RowStatus::sent)];
      ++run.tally[static_cast<std::size_t>(RowStatus::failed_permanent)];
      if (options.on_row) options.on_row(o);
    }
  }
  s.sent = run.tally[static_cast<std::size_t>(RowStatus::sent)];
  s.already_sent = run.tally[static_cast<std::size_t>(RowStatus::already_sent)];
  s.failed_permanent = run.tally[static_cast<std::size_t>(RowStatus::failed_permanent)];
  s.failed_transient = run.tally[static_cast<std::size_t>(RowStatus::failed_transient)];
  s.skipped = run.tally[static_cast<std::size_t>(RowStatus::skipped)];
  const std::size_t seen =
      s.sent + s.already_sent + s.failed_permanent + s.failed_transient + s.skipped;
  s.pending = s.rows > seen ? s.rows - seen : 0;
  return {};
}

Result<Summary> run_check(Run& run, const std::string& manifest) {
  std::error_code ec;
  const auto tmp =
      std::filesystem::temp_directory_path(ec) / ("sne-bulk-check-" + crypto::random_alnum(12));
  run.work = tmp.string();
  auto made = file::make_private_dirs(run.work);
  if (!made) return made.error();
  run.check = true;
  auto summary = execute(run, manifest);
  std::filesystem::remove_all(tmp, ec);
  if (!summary) return summary;
  Summary s = *summary;
  auto together = check_together(run, s);
  if (!together) return together.error();
  return s;
}

Result<JournalIdentity> identity_of(const SendOptions& options) {
  auto sha = crypto::sha256_file_hex(options.manifest);
  if (!sha) return sha.error();
  return JournalIdentity{absolute_path(options.manifest), *sha, options.endpoint, options.shard};
}

}  // namespace

Result<Summary> check_manifest(const RunOptions& options) {
  const Catalog& catalog = options.catalog ? *options.catalog : Catalog::builtin();
  Run run(options, catalog);
  return run_check(run, options.manifest);
}

Result<Summary> send_manifest(const SendOptions& options) {
  const Catalog& catalog = options.catalog ? *options.catalog : Catalog::builtin();
  if (options.journal.empty())
    return Error(ErrorCode::invalid_input, i18n::format(N_("no journal path given")), "journal");
  auto id = identity_of(options);
  if (!id) return id.error();
  if (options.dry_run) {
    // The checks of 'bulk check', skipping what the journal (if any) says is done: nothing is
    // written to it.
    Run run(options, catalog);
    run.retry_failed = options.retry_failed;
    std::unique_ptr<Journal> journal;
    if (file::exists(options.journal)) {
      auto opened = Journal::open(options.journal, *id, false);
      if (!opened) return opened.error();
      journal = std::move(*opened);
      run.journal = journal.get();
      run.write_journal = false;
    }
    auto s = run_check(run, options.manifest);
    if (s && journal) s->journal = options.journal;
    return s;
  }
  const auto folder = std::filesystem::path(options.journal).parent_path().string();
  if (!folder.empty()) {
    auto made = file::make_private_dirs(folder);
    if (!made) return made.error();
  }
  auto journal = Journal::open(options.journal, *id, true);
  if (!journal) return journal.error();
  Run run(options, catalog);
  run.journal = journal->get();
  run.retry_failed = options.retry_failed;
  run.work = options.journal + ".packs";
  auto made = file::make_private_dirs(run.work);
  if (!made) return made.error();
  auto summary = execute(run, options.manifest);
  std::error_code ec;
  std::filesystem::remove(run.work, ec);  // only when empty
  if (!summary) return summary;
  if (!options.report.empty()) {
    auto writer = ReportWriter::open(options.report);
    if (!writer) return writer.error();
    Status status;
    run.journal->for_each([&](const RowOutcome& o) {
      if (status) status = (*writer)->add(o);
    });
    if (!status) return status.error();
    auto closed = (*writer)->close();
    if (!closed) return closed.error();
  }
  return summary;
}

Result<JournalInfo> read_journal(const std::string& path) {
  auto journal = Journal::open_existing(path);
  if (!journal) return journal.error();
  JournalInfo info;
  info.path = path;
  const JournalIdentity id = (*journal)->identity();
  info.manifest = id.manifest;
  info.manifest_sha256 = id.manifest_sha256;
  info.endpoint = id.endpoint;
  info.shard = id.shard;
  info.created_at = (*journal)->created_at();
  info.updated_at = (*journal)->updated_at();
  info.summary = (*journal)->summary();
  // Finished: every row of the manifest (counted when the run started) has a final outcome.
  Summary& s = info.summary;
  const std::size_t final_rows = s.sent + s.already_sent + s.failed_permanent + s.skipped;
  const std::size_t rows = (*journal)->manifest_rows();
  s.rows = std::max(rows, s.rows);
  s.pending = s.rows - std::min(s.rows, final_rows + s.failed_transient);
  info.finished = rows > 0 && final_rows >= rows;
  return info;
}

Status for_each_row(const std::string& journal, const std::function<void(const RowOutcome&)>& fn) {
  auto j = Journal::open_existing(journal);
  if (!j) return j.error();
  (*j)->for_each(fn);
  return {};
}

Result<std::vector<JournalInfo>> list_journals(const std::string& folder) {
  std::vector<JournalInfo> out;
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.path().extension() != ".journal") continue;
    auto info = read_journal(entry.path().string());
    if (info) out.push_back(std::move(*info));
  }
  std::sort(out.begin(), out.end(),
            [](const JournalInfo& a, const JournalInfo& b) { return a.updated_at > b.updated_at; });
  return out;
}

}  // namespace sne::bulk
