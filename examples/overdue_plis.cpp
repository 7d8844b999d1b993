// The plis of this guichet still at the numériseur past their deadline (2 jours ouvrés after
// the day of transmission, with the holidays of each demande's territory), as the PWP's tableau
// de bord flags them. Shows sne::Connection (the endpoint and session resolved as `sne`
// resolves them), sne::list_plis with overdue_only, and sne::pli_sla.
//
// Build: CMake targets sne::sne and sne::sandbox, or -lsne -lsne_sandbox. Run:
//
//   $ overdue_plis [MAX]        # at most MAX plis (default: all of them)
//   guichet G3401, judged at 2026-12-07T15:00:00Z: 4 overdue plis
//   5pqkvsyvw71i  0341124004102G3401 G3401 sent 2026-12-02 due 2026-12-04 late 1
//   ...
//
// "late N": N jours ouvrés past the due day. It talks to the endpoint `sne` would use (--endpoint
// aside): $SNE_ENDPOINT, else the profile's, else the embedded sandbox, signed in as its demo agent
// (guichet G3401). Judged on the service's clock, so a sandbox whose clock was set back judges on
// that day.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include <sne/connect.hpp>
#include <sne/sandbox.hpp>
#include <sne/tracking.hpp>

namespace {

// The exit codes of `sne` (man sne), so that scripts treat both alike.
int fail(const char* what, const sne::Error& error) {
  std::fprintf(stderr, "overdue_plis: %s: %s\n", what, error.message().c_str());
  switch (error.code()) {
    case sne::ErrorCode::unauthenticated: return 4;
    case sne::ErrorCode::invalid_input: return 6;
    case sne::ErrorCode::not_found: return 7;
    default: return error.retryable() ? 5 : 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2 || (argc == 2 && std::atol(argv[1]) <= 0)) {
    std::fprintf(stderr, "usage: %s [MAX]\n", argv[0]);
    return 2;
  }
  // Keeps libsne_sandbox.so linked even under --as-needed: the endpoint "sandbox" needs it.
  sne::register_embedded_sandbox();

  sne::ConnectOptions options;  // the process's environment and configuration file
  options.notes = [](const sne::Note& note) {
    if (note.level == sne::Note::Level::info)
      std::fprintf(stderr, "overdue_plis: note: %s\n", note.text.c_str());
  };
  sne::Connection connection(std::move(options));
  auto service = connection.service();  // signed in, or unauthenticated
  if (!service) return fail("service", service.error());
  auto me = (*service)->me();  // the guichet whose plis the service lists
  if (!me) return fail("who am I", me.error());

  sne::PliQuery query;
  query.overdue_only = true;  // en cours, and a jour ouvré or more past the due day
  query.max = argc == 2 ? static_cast<std::size_t>(std::atol(argv[1])) : 0;
  auto list = sne::list_plis(**service, query);  // follows the service's pages
  if (!list) return fail("plis", list.error());

  std::printf("guichet %s, judged at %s: %zu overdue plis%s\n", me->guichet.c_str(),
              sne::format_timestamp(list->now).c_str(), list->items.size(),
              list->more ? " (and more)" : "");
  for (const sne::PliSummary& pli : list->items) {
    // The deadline in the legal time and with the holidays of the demande's territory.
    const sne::PliSla sla = sne::pli_sla(pli, list->now);
    std::printf("%-13s %s %s sent %s due %s late %ld\n", pli.transaction.c_str(),
                pli.numero_unique.c_str(), pli.guichet.c_str(), sla.sent.iso().c_str(),
                sla.due.iso().c_str(), sla.days_late);
  }
  return 0;
}
