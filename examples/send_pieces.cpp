// Sends files to a demande as one pli, the way an editor's "send to the SNE" button would:
// first a preflight of each file (sne::inspect_file: the type exists, the format is read from
// the bytes, the size, a PDF that opens and has pages, an image that decodes at a readable
// resolution), which stops before anything is sent; then sne::send_pieces, which sends exactly
// once: run it again with the same files and it answers the first pli, replayed.
//
// Build: CMake targets sne::sne and sne::sandbox, or -lsne -lsne_sandbox. Run:
//
//   $ send_pieces 0340921482210G3401 avis_imposition avis-2024.pdf
//   preflight avis-2024.pdf: pdf, 1 page(s), 623 bytes: ok
//   pli 3k9w0qxd7m2fa sent to 0340921482210G3401: 1 piece(s), 623 bytes, Numérisation en cours
//
// On the endpoint `sne` would use: with no configuration, the embedded sandbox, signed in as
// its demo agent (guichet G3401, demandes of territory 034). `sne piece types` lists the types.
#include <cstdio>
#include <string>
#include <utility>

#include <sne/connect.hpp>
#include <sne/inspect.hpp>
#include <sne/sandbox.hpp>
#include <sne/send.hpp>
#include <sne/statut.hpp>

namespace {

// The exit codes of `sne` (man sne), so that scripts treat both alike.
int fail(const char* what, const sne::Error& error) {
  std::fprintf(stderr, "send_pieces: %s: %s\n", what, error.message().c_str());
  switch (error.code()) {
    case sne::ErrorCode::unauthenticated: return 4;
    case sne::ErrorCode::invalid_input:
    case sne::ErrorCode::conflict: return 6;
    case sne::ErrorCode::not_found: return 7;
    default: return error.retryable() ? 5 : 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s NUMERO_UNIQUE TYPE FILE...\n", argv[0]);
    return 2;
  }
  sne::SendPiecesInput input;
  input.numero_unique = argv[1];
  input.type = argv[2];
  input.contexte = sne::Contexte::ajout;  // pieces added to an existing demande
  for (int i = 3; i < argc; ++i) input.files.emplace_back(argv[i]);

  // 1. The preflight, before any network call: a rejected file is the user's to fix.
  sne::InspectOptions preflight;
  preflight.type = input.type;  // the type's formats and size limit apply
  bool rejected = false;
  for (const auto& file : input.files) {
    const sne::InspectReport report = sne::inspect_file(file, preflight);
    std::printf("preflight %s: %s, %d page(s), %llu bytes: %s\n", file.c_str(),
                report.format ? std::string(sne::to_string(*report.format)).c_str() : "unknown",
                report.pages, static_cast<unsigned long long>(report.bytes),
                report.ok() ? "ok" : "rejected");
    for (const auto& problem : report.problems)
      std::printf("  problem %s: %s\n", problem.code.c_str(), problem.message.c_str());
    for (const auto& warning : report.warnings)
      std::printf("  warning %s: %s\n", warning.code.c_str(), warning.message.c_str());
    rejected = rejected || !report.ok();
  }
  if (rejected) {
    std::fprintf(stderr, "send_pieces: nothing sent: fix the files rejected above\n");
    return 6;
  }

  // 2. The send. send_pieces preflights again (the files may have changed meanwhile), asks
  // the service whether this content was sent already, checks room in the demande, uploads.
  sne::register_embedded_sandbox();  // keeps libsne_sandbox.so linked under --as-needed
  sne::Connection connection({});    // the process's environment and configuration file
  auto service = connection.service();
  if (!service) return fail("service", service.error());
  auto sent = sne::send_pieces(**service, input);
  if (!sent) return fail(input.numero_unique.c_str(), sent.error());

  const sne::PliSummary& pli = sent->pli.resume;
  std::printf("pli %s %s %s: %d piece(s), %llu bytes, %s\n", pli.transaction.c_str(),
              sent->replayed ? "already sent to" : "sent to", pli.numero_unique.c_str(),
              pli.nb_pieces, static_cast<unsigned long long>(sent->bytes),
              std::string(sne::info(pli.statut).label).c_str());
  for (const auto& warning : sent->warnings)
    std::printf("  warning %s: %s\n", warning.code.c_str(), warning.message.c_str());
  return 0;
}
