// Sends a whole manifest of plis with the engine of `sne bulk send` (sne/bulk.hpp), printing a
// line per row and a progress line as the engine reports it. The run is resumable: its journal
// (under $XDG_STATE_HOME/sne/bulk/) records each row, so running it again after a failure or a
// kill sends only what is left, and never a pli twice.
//
// A manifest is CSV (or JSON Lines, .jsonl) with the columns numero_unique, type, files (paths
// separated by '|', relative to the manifest's folder) and optionally contexte, date_emission,
// date_expiration, annee_revenus, pack, idempotency_key:
//
//   numero_unique,type,files
//   0340921482210G3401,avis_imposition,avis-2024.pdf
//   0340219038127G3401,quittance_loyer,quittance-nov.pdf|quittance-dec.pdf
//
// Build: CMake targets sne::sne, sne::bulk and sne::sandbox, or -lsne -lsne_bulk -lsne_sandbox.
// Run:   bulk_progress MANIFEST
//   row 1 0340921482210G3401: sent, pli 3k9w0qxd7m2fa
//   progress: 1/2 rows, 0 failed, 623 bytes, 0.2 s
//   ...
//   2 rows: 2 sent, 0 already sent, 0 failed, 0 to retry
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <sne/bulk.hpp>
#include <sne/connect.hpp>
#include <sne/sandbox.hpp>

namespace {

int fail(const char* what, const sne::Error& error) {
  std::fprintf(stderr, "bulk_progress: %s: %s\n", what, error.message().c_str());
  return error.code() == sne::ErrorCode::unauthenticated ? 4 : error.retryable() ? 5 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MANIFEST\n", argv[0]);
    return 2;
  }
  sne::register_embedded_sandbox();  // keeps libsne_sandbox.so linked under --as-needed
  sne::Connection connection({});    // the process's environment and configuration file
  auto service = connection.service();
  if (!service) return fail("service", service.error());
  auto paths = connection.paths();
  if (!paths) return fail("paths", paths.error());

  sne::bulk::SendOptions options;
  options.manifest = argv[1];
  options.endpoint = (*service)->endpoint().canonical;  // recorded in the journal
  options.parallel = 2;
  // One journal per manifest (path and content): the same manifest resumes the same run.
  auto journal =
      sne::bulk::default_journal_path(options.manifest, sne::bulk::default_journal_folder(**paths));
  if (!journal) return fail("journal", journal.error());
  options.journal = *journal;
  // Each worker gets its own Service, opened from the workers' threads: a Connection is not
  // thread-safe, hence the lock.
  std::mutex connection_mutex;
  options.open_service = [&](const sne::bulk::RetryObserver& on_retry) {
    std::lock_guard<std::mutex> lock(connection_mutex);
    return connection.another_service(on_retry);
  };
  // Both callbacks come from the workers, one at a time (the engine serialises them).
  options.on_row = [](const sne::bulk::RowOutcome& row) {
    if (row.transaction.empty())
      std::printf("row %zu %s: %s: %s\n", row.row, row.numero_unique.c_str(),
                  std::string(sne::bulk::to_string(row.status)).c_str(), row.message.c_str());
    else
      std::printf("row %zu %s: %s, pli %s\n", row.row, row.numero_unique.c_str(),
                  std::string(sne::bulk::to_string(row.status)).c_str(), row.transaction.c_str());
  };
  options.on_progress = [](const sne::bulk::Progress& p) {
    std::printf("progress: %zu/%zu rows, %zu failed, %llu bytes, %.1f s\n", p.done, p.total,
                p.failed, static_cast<unsigned long long>(p.bytes),
                static_cast<double>(p.elapsed.count()) / 1000.0);
    std::fflush(stdout);
  };

  auto summary = sne::bulk::send_manifest(options);
  if (!summary) return fail(argv[1], summary.error());
  const sne::bulk::Summary& s = *summary;
  std::printf("%zu rows: %zu sent, %zu already sent, %zu failed, %zu to retry\n", s.rows, s.sent,
              s.already_sent, s.failed_permanent, s.failed_transient + s.pending);
  if (s.stopped) return fail("stopped", *s.stopped);  // cancelled, signed out, service down
  return s.failed_permanent + s.failed_transient > 0 ? 3 : 0;  // 3: some rows failed
}
