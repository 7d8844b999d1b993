#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "sne/fiche.hpp"

using namespace sne;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/sne-fiche-batch-test-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name, std::ios::binary) << text;
    return path + "/" + name;
  }
};

FicheInput guichet() {
  FicheInput in;
  in.guichet = "PWP01";
  in.siret = "13002072000038";
  in.territoire = "999";
  in.date_generation = "2024-01-15";
  return in;
}

/// Runs a batch and keeps every row's outcome.
struct Run {
  std::vector<FicheRowOutcome> rows;
  std::vector<FicheBatchTally> tallies;
  Result<FicheBatchSummary> summary = Error(ErrorCode::internal, "not run");

  Run(const std::string& manifest, FicheBatchOptions options) {
    options.on_row = [&](const FicheRowOutcome& row, const FicheBatchTally& tally) {
      rows.push_back(row);
      tallies.push_back(tally);
    };
    summary = FicheBatch(std::move(options)).run(manifest);
  }
  std::vector<std::size_t> failed_lines() const {
    std::vector<std::size_t> lines;
    for (const auto& r : rows)
      if (r.error) lines.push_back(r.line);
    return lines;
  }
};

const char* const kManifest =
    "numero_unique,contexte,date_depot\n"
    "0340819000040PWP01,ajout,\n"
    "0341319000040PWP01,ajout,\n"  // month 13
    "0690620007611G3163,mise-a-jour,2024-01-20\n"
    "\"broken,x\n"                    // not CSV
    "0340819000040PWP01,creation,\n"  // the numéro of line 2 again
    "1110920020745G1175,bogus,\n";    // unknown contexte

}  // namespace

TEST_CASE("fiche batch: one PDF per good row, each bad row reported with its line and field") {
  TempDir dir;
  FicheBatchOptions o;
  o.guichet = guichet();
  o.output_dir = dir.path + "/out/sub";  // created
  Run run(dir.write("m.csv", kManifest), o);
  REQUIRE(run.summary.ok());
  CHECK(run.summary->stopped.ok());
  CHECK(run.summary->output == o.output_dir);
  CHECK_FALSE(run.summary->merged);
  CHECK(run.summary->read == 5);
  CHECK(run.summary->written == 2);
  CHECK(run.summary->failed == 4);
  CHECK_FALSE(run.summary->interrupted);
  REQUIRE(run.rows.size() == 6);
  CHECK(run.failed_lines() == std::vector<std::size_t>{3, 5, 6, 7});
  CHECK(run.rows[0].file == o.output_dir + "/0340819000040PWP01.pdf");
  CHECK(run.rows[1].error->subject() == "numero");
  CHECK(run.rows[1].input == "0341319000040PWP01");
  CHECK(run.rows[3].input.empty());
  CHECK(run.rows[3].error->message() == "line 5: broken quoting");
  CHECK(run.rows[4].error->message() == "numero: 0340819000040PWP01 already on an earlier line");
  CHECK(run.rows[5].error->subject() == "contexte");
  CHECK(run.tallies.back().read == 5);
  CHECK(run.tallies.back().done == 2);
  CHECK(run.tallies.back().failed == 4);
  CHECK(std::filesystem::exists(o.output_dir + "/0340819000040PWP01.pdf"));
  CHECK(std::filesystem::exists(o.output_dir + "/0690620007611G3163.pdf"));
  // The file of the first row is the fiche of that row, not of the refused duplicate.
  std::ifstream in(o.output_dir + "/0340819000040PWP01.pdf", std::ios::binary);
  const std::string pdf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto first = make_fiche([] {
                 FicheInput f = guichet();
                 f.numero_unique = "0340819000040PWP01";
                 f.contexte = "ajout";
                 return f;
               }())
                   .value();
  CHECK(pdf == render_fiche_pdf(first).value());
}

TEST_CASE("fiche batch: a merge makes one PDF of the good rows, in order") {
  TempDir dir;
  FicheBatchOptions o;
  o.guichet = guichet();
  o.merge = dir.path + "/envoi.pdf";
  Run run(dir.write("m.csv", kManifest), o);
  REQUIRE(run.summary.ok());
  CHECK(run.summary->merged);
  CHECK(run.summary->written == 2);
  CHECK(run.summary->failed == 4);
  CHECK(run.rows[0].file.empty());
  CHECK(std::filesystem::exists(o.merge));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/0340819000040PWP01.pdf"));
}

TEST_CASE("fiche batch: a folder in a fiche's place fails that row only") {
  TempDir dir;
  FicheBatchOptions o;
  o.guichet = guichet();
  o.output_dir = dir.path + "/out";
  std::filesystem::create_directories(o.output_dir + "/0340819000040PWP01.pdf");
  Run run(dir.write("m.csv", kManifest), o);
  REQUIRE(run.summary.ok());
  CHECK(run.summary->stopped.ok());
  CHECK(run.summary->written == 1);
  REQUIRE(run.rows[0].error);
  CHECK(run.rows[0].error->code() == ErrorCode::invalid_input);
  CHECK(run.rows[0].error->message() == o.output_dir + "/0340819000040PWP01.pdf: is a folder");
  // Not written, so its numéro is no duplicate on line 6: the contexte is its only fault.
  CHECK(run.failed_lines() == std::vector<std::size_t>{2, 3, 5, 6, 7});
}

TEST_CASE("fiche batch: a folder that vanishes stops the batch with the cause, rows before kept") {
  TempDir dir;
  FicheBatchOptions o;
  o.guichet = guichet();
  o.output_dir = dir.path + "/out";
  std::size_t seen = 0;
  const std::string manifest = dir.write("m.csv", kManifest);
  FicheBatchOptions vanishing = o;
  std::vector<FicheRowOutcome> rows;
  vanishing.on_row = [&](const FicheRowOutcome& row, const FicheBatchTally&) {
    rows.push_back(row);
    if (++seen == 1) std::filesystem::remove_all(o.output_dir);
  };
  auto summary = FicheBatch(vanishing).run(manifest);
  REQUIRE(summary.ok());
  REQUIRE_FALSE(summary->stopped.ok());
  CHECK(summary->stopped.error().code() == ErrorCode::io);
  CHECK(summary->stopped.error().message().find(std::strerror(ENOENT)) != std::string::npos);
  CHECK(summary->written == 1);
  // Line 3 failed on its numéro before any write; line 4's write met the vanished folder.
  CHECK(rows.size() == 2);
}

TEST_CASE("fiche batch: a cancel flag stops before the next row and writes no merged PDF") {
  TempDir dir;
  std::atomic<bool> cancel{false};
  FicheBatchOptions o;
  o.guichet = guichet();
  o.merge = dir.path + "/envoi.pdf";
  o.cancel = &cancel;
  std::size_t rows = 0;
  o.on_row = [&](const FicheRowOutcome&, const FicheBatchTally&) {
    ++rows;
    cancel = true;
  };
  auto summary = FicheBatch(o).run(dir.write("m.csv", kManifest));
  REQUIRE(summary.ok());
  CHECK(summary->interrupted);
  CHECK(rows == 1);
  CHECK(summary->written == 0);
  CHECK_FALSE(std::filesystem::exists(o.merge));
}

TEST_CASE("fiche batch: errors before any row") {
  TempDir dir;
  const std::string manifest = dir.write("m.csv", kManifest);
  FicheBatchOptions neither;
  neither.guichet = guichet();
  auto r = FicheBatch(neither).run(manifest);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code() == ErrorCode::invalid_input);
  FicheBatchOptions both = neither;
  both.output_dir = dir.path + "/out";
  both.merge = dir.path + "/envoi.pdf";
  CHECK(FicheBatch(both).run(manifest).error().code() == ErrorCode::invalid_input);
  FicheBatchOptions o = neither;
  o.output_dir = dir.path + "/out";
  auto missing = FicheBatch(o).run(dir.path + "/none.csv");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::io);
  // An output folder under a regular file cannot be created: io naming it.
  o.output_dir = manifest + "/out";
  auto no_dir = FicheBatch(o).run(manifest);
  REQUIRE_FALSE(no_dir.ok());
  CHECK(no_dir.error().code() == ErrorCode::io);
  CHECK(no_dir.error().subject() == o.output_dir);
}

TEST_CASE("fiche batch: rows and summaries as JSON") {
  FicheRowOutcome row;
  row.line = 7;
  row.input = "0340819000040PWP01";
  row.error = Error(ErrorCode::invalid_input, "contexte: 'x' is unknown", "contexte");
  CHECK(to_json(row).dump(-1) ==
        R"({"line":7,"input":"0340819000040PWP01","error":"contexte: 'x' is unknown",)"
        R"("field":"contexte"})");
  FicheBatchSummary s;
  s.output = "out";
  s.written = 2;
  s.failed = 1;
  CHECK(to_json(s).dump(-1) ==
        R"({"output":"out","merged":false,"written":2,"failed":1,"interrupted":false})");
}
