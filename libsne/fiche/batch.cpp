// The fiches of a manifest, row by row: de-duplication, per-row errors, one PDF per row or one
// merged PDF.
#include <cstdint>
#include <filesystem>
#include <unordered_set>

#include <fmt/format.h>

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

}  // namespace

FicheBatch::FicheBatch(FicheBatchOptions options) : options_(std::move(options)) {}

Result<FicheBatchSummary> FicheBatch::run(const std::string& manifest_path) {
  const FicheBatchOptions& o = options_;
  if (o.output_dir.empty() == o.merge.empty())
    return Error(ErrorCode::invalid_input,
                 "give either a folder for one PDF per row or one file for the merged PDF",
                 "output");
  auto manifest = FicheManifest::open(manifest_path);
  if (!manifest) return manifest.error();
  if (!o.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.output_dir, ec);
    if (ec)
      return Error(ErrorCode::io, fmt::format("{}: {}", o.output_dir, ec.message()), o.output_dir);
  }
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
    FicheInput in = o.guichet;
    in.numero_unique = r.numero_unique;
    in.contexte = r.contexte;
    in.date_depot = r.date_depot;
    auto fiche = make_fiche(in);
    if (!fiche) {
      fail(r.line, r.numero_unique, fiche.error());
      continue;
    }
    const std::uint64_t key = fnv1a(fiche->numero_unique);
    if (seen.count(key) != 0) {
      fail(r.line, r.numero_unique,
           Error(ErrorCode::invalid_input,
                 fmt::format("numero: {} already on an earlier line", fiche->numero_unique),
                 "numero"));
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
