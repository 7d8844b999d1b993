// A support ticket prepared from a pli: what the help desk needs to find it and understand
// the complaint, in French as the PWP and GLPI's agents write.
#include <fmt/format.h>

#include "sne/contexte.hpp"
#include "sne/glpi.hpp"
#include "sne/statut.hpp"

namespace sne {

TicketDraft ticket_from_pli(const Pli& pli, const PliSla& sla) {
  const PliSummary& p = pli.resume;
  const StatutInfo& statut = info(p.statut);
  TicketDraft d;
  std::size_t rejected = 0;
  for (const auto& piece : pli.pieces) rejected += piece.resultat == PieceOutcome::rejetee;

  if (sla.overdue) {
    d.category = kGlpiCategoryDelay;
    d.title = fmt::format(
        "Pli {} ({}) toujours en cours de numérisation, {} jour{} ouvré{} après "
        "le délai",
        p.transaction, p.numero_unique, sla.days_late, sla.days_late > 1 ? "s" : "",
        sla.days_late > 1 ? "s" : "");
  } else if (statut.rejected) {
    d.category = kGlpiCategoryRejected;
    d.title =
        p.statut == StatutPli::rejet_dossier
            ? fmt::format("Pli {} ({}) rejeté en entier", p.transaction, p.numero_unique)
            : fmt::format("Pli {} ({}) : {} pièce{} refusée{}", p.transaction, p.numero_unique,
                          rejected, rejected > 1 ? "s" : "", rejected > 1 ? "s" : "");
  } else {
    d.title = fmt::format("Pli {} ({}) : {}", p.transaction, p.numero_unique, statut.label);
  }

  std::string body;
  auto line = [&body](std::string_view label, std::string_view value) {
    body += fmt::format("{} : {}\n", label, value);
  };
  line("Numéro unique", p.numero_unique);
  line("Transaction", p.transaction);
  line("Guichet", p.guichet);
  line("Contexte", fmt::format("{} ({})", info(p.contexte).label, info(p.contexte).code));
  line("Transmis le",
       fmt::format("{} ({})", sla.sent.iso(), format_timestamp(p.date_transmission)));
  line("Statut", statut.final
                     ? fmt::format("{}, le {}", statut.label, format_timestamp(p.date_statut))
                     : std::string(statut.label));
  line("Traitement attendu",
       fmt::format("au plus tard le {} ({} jours ouvrés)", sla.due.iso(), kSlaJoursOuvres));
  if (sla.overdue)
    line("Retard", fmt::format("{} jour{} ouvré{}, toujours en cours", sla.days_late,
                               sla.days_late > 1 ? "s" : "", sla.days_late > 1 ? "s" : ""));
  else if (sla.late)
    line("Retard", fmt::format("traité {} jour{} ouvré{} après le délai", sla.days_late,
                               sla.days_late > 1 ? "s" : "", sla.days_late > 1 ? "s" : ""));
  if (!pli.pieces.empty()) {
    body += fmt::format("\nPièces ({}) :\n", pli.pieces.size());
    for (const auto& piece : pli.pieces) {
      std::string outcome;
      switch (piece.resultat) {
        case PieceOutcome::acceptee: outcome = "acceptée"; break;
        case PieceOutcome::rejetee:
          outcome = piece.motif.empty() ? "refusée" : "refusée : " + piece.motif;
          break;
        case PieceOutcome::en_attente: outcome = "en attente"; break;
      }
      body += fmt::format("- {} ({}) : {}\n", piece.nom_fichier, piece.type, outcome);
    }
  }
  while (!body.empty() && body.back() == '\n') body.pop_back();
  d.body = std::move(body);
  return d;
}

Result<TicketDraft> ticket_from_pli(Service& service, const std::string& transaction) {
  auto pli = service.pli(transaction);
  if (!pli) return pli.error();
  return ticket_from_pli(*pli, pli_sla(pli->resume, service.server_time()));
}

}  // namespace sne
