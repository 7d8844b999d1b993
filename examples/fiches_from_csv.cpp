// The fiches de transmission of a paper envoi, from a CSV of demandes: one PDF per demande,
// each with its QR code, for the numériseur. Shows sne::FicheBatch: rows are read one at a time
// (memory stays flat), each row succeeds or fails on its own, and a numéro on two rows is
// refused the second time. No service is called: this works offline, with libsne alone.
//
// The CSV has the header numero_unique,contexte[,date_depot] (any order):
//
//   numero_unique,contexte,date_depot
//   0340819000040PWP01,ajout,2024-01-16
//   1110920020745G1175,creation,
//
// Build: CMake target sne::sne, or -lsne. Run:
//
//   $ fiches_from_csv envoi.csv fiches/ PWP01 13002072000038 034
//   line 2 0340819000040PWP01: fiches/0340819000040PWP01.pdf
//   line 3 1110920020745G1175: fiches/1110920020745G1175.pdf
//   2 fiches written to fiches/, 0 rows failed
//
// The guichet printed on every fiche is the one of the arguments (code, SIRET, territoire);
// the date de génération is today. Exit 3 when some rows failed, as `sne fiche batch`.
#include <cstdio>

#include <sne/date.hpp>
#include <sne/fiche.hpp>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s MANIFEST.csv OUTPUT_DIR GUICHET SIRET TERRITOIRE\n", argv[0]);
    return 2;
  }
  sne::FicheBatchOptions options;
  options.guichet.guichet = argv[3];
  options.guichet.siret = argv[4];
  options.guichet.territoire = argv[5];
  options.guichet.date_generation = sne::Date::today().iso();
  options.output_dir = argv[2];  // one NUMERO.pdf per good row (or `merge`: one PDF for all)
  options.render.creator = "fiches_from_csv (libsne example)";
  // Called after each row, in the order of the manifest.
  options.on_row = [](const sne::FicheRowOutcome& row, const sne::FicheBatchTally&) {
    if (row.error)
      std::printf("line %zu %s: %s\n", row.line, row.input.c_str(), row.error->message().c_str());
    else
      std::printf("line %zu %s: %s\n", row.line, row.input.c_str(), row.file.c_str());
  };

  sne::FicheBatch batch(options);
  // An error here means nothing was written: an unreadable manifest or header, an output
  // folder that cannot be made. (A guichet that make_fiche refuses fails every row instead.)
  auto summary = batch.run(argv[1]);
  if (!summary) {
    std::fprintf(stderr, "fiches_from_csv: %s\n", summary.error().message().c_str());
    return summary.error().code() == sne::ErrorCode::invalid_input ? 6 : 1;
  }
  std::printf("%zu fiches written to %s, %zu rows failed\n", summary->written,
              summary->output.c_str(), summary->failed);
  if (!summary->stopped) {  // a failure every later row would meet too: a full disk...
    std::fprintf(stderr, "fiches_from_csv: stopped: %s\n",
                 summary->stopped.error().message().c_str());
    return 1;
  }
  return summary->failed > 0 ? 3 : 0;
}
