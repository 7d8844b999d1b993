// Opens a support ticket in GLPI about a pli whose pieces the numériseur rejected, drafted from
// the pli itself: title, text (numéro unique, transaction, dates, deadline, each piece with its
// outcome and the reason of each refusal) and category. Shows sne::list_plis filtered by
// statut, sne::ticket_from_pli, sne::complete_ticket (the user's text before the draft's) and
// sne::submit_ticket, with the GLPI client that sne::Connection resolves.
//
// Build: CMake targets sne::sne and sne::sandbox, or -lsne -lsne_sandbox. Run:
//
//   $ ticket_from_rejected_pli [TRANSACTION]    # default: the newest pli with rejected pieces
//   pli 2qy1ggsralkr (0340523004107G3401): Rejet d'une ou plusieurs pièces lors du traitement
//   ticket 1 created: Pli 2qy1ggsralkr (0340523004107G3401) : 1 pièce refusée
//   category: SNE > Pièces justificatives > Pièce justificative refusée
//   ...the text GLPI holds...
//
// With no configuration, the SNE and GLPI of the embedded sandbox, as its demo agent; a real
// GLPI comes from $SNE_GLPI_URL (or the profile's glpi_url) and its tokens (`sne ticket login`).
#include <cstdio>
#include <string>
#include <utility>

#include <sne/connect.hpp>
#include <sne/glpi.hpp>
#include <sne/sandbox.hpp>
#include <sne/tracking.hpp>

namespace {

// The exit codes of `sne` (man sne), so that scripts treat both alike.
int fail(const char* what, const sne::Error& error) {
  std::fprintf(stderr, "ticket_from_rejected_pli: %s: %s\n", what, error.message().c_str());
  switch (error.code()) {
    case sne::ErrorCode::unauthenticated: return 4;
    case sne::ErrorCode::invalid_input: return 6;
    case sne::ErrorCode::not_found: return 7;
    default: return error.retryable() ? 5 : 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) {
    std::fprintf(stderr, "usage: %s [TRANSACTION]\n", argv[0]);
    return 2;
  }
  sne::register_embedded_sandbox();  // keeps libsne_sandbox.so linked under --as-needed
  sne::Connection connection({});    // the process's environment and configuration file
  auto service = connection.service();
  if (!service) return fail("service", service.error());

  std::string transaction = argc == 2 ? argv[1] : "";
  if (transaction.empty()) {  // the newest pli of this guichet with rejected pieces
    sne::PliQuery query;
    query.statut = sne::StatutPli::rejet_pieces;
    query.max = 1;
    auto list = sne::list_plis(**service, query);
    if (!list) return fail("plis", list.error());
    if (list->items.empty()) {
      std::fprintf(stderr, "ticket_from_rejected_pli: no pli with rejected pieces\n");
      return 7;
    }
    transaction = list->items.front().transaction;
  }
  auto pli = (*service)->pli(transaction);
  if (!pli) return fail(transaction.c_str(), pli.error());
  std::printf("pli %s (%s): %s\n", transaction.c_str(), pli->resume.numero_unique.c_str(),
              std::string(sne::info(pli->resume.statut).label).c_str());

  // The draft: its deadline judged on the service's clock, the category its situation calls for.
  auto draft = sne::ticket_from_pli(**service, transaction);
  if (!draft) return fail(transaction.c_str(), draft.error());
  sne::TicketRequest request;  // left empty: the draft fills title and category
  request.body = "Pouvez-vous nous dire comment renvoyer ces pièces ?";
  request.pli = transaction;
  auto complete = sne::complete_ticket(std::move(request), &*draft);
  if (!complete) return fail("ticket", complete.error());

  auto glpi = connection.glpi();  // the embedded sandbox's GLPI, or $SNE_GLPI_URL's
  if (!glpi) return fail("GLPI", glpi.error());
  auto created = sne::submit_ticket(**glpi, *complete);  // category resolved, then created
  if (!created) return fail("GLPI", created.error());
  std::printf("ticket %lld created: %s\ncategory: %s\n", static_cast<long long>(created->id),
              created->title.c_str(), created->category.completename.c_str());

  auto shown = (*glpi)->ticket(created->id);  // read back: what the support desk sees
  if (!shown) return fail("GLPI", shown.error());
  std::printf("%s\n", shown->ticket.text.c_str());
  return 0;
}
