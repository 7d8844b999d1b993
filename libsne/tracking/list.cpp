// The tableau de bord: the service's pages followed as far as the query needs.
#include <algorithm>

#include "base/i18n.hpp"
#include "sne/tracking.hpp"

namespace sne {

namespace {

constexpr std::size_t kPageMax = 500;  // the service's largest page

}  // namespace

Result<PliList> list_plis(Service& service, const PliQuery& query,
                          const std::function<void(std::size_t kept)>& on_page) {
  PliFilter filter;
  filter.statut = query.statut;
  filter.numero_unique = query.numero_unique;
  filter.contexte = query.contexte;
  filter.since = query.since;
  filter.until = query.until;
  PliList out;
  if (query.overdue_only) {
    // Only a pli still en cours can be overdue: the service filters the rest out.
    if (filter.statut && *filter.statut != StatutPli::numerisation_en_cours) return out;
    filter.statut = StatutPli::numerisation_en_cours;
  }
  // One more than asked shows whether more plis follow; a client-side filter needs full pages.
  const bool exact = !query.overdue_only && query.max > 0;
  filter.limit = static_cast<int>(exact ? std::min(query.max + 1, kPageMax) : kPageMax);
  for (;;) {
    auto page = service.plis(filter);
    if (!page) return page.error();
    ++out.pages;
    out.now = service.server_time();
    for (auto& p : page->items) {
      if (query.overdue_only && !pli_sla(p, out.now).overdue) continue;
      if (query.max > 0 && out.items.size() == query.max) {
        out.more = true;
        break;
      }
      out.items.push_back(std::move(p));
    }
    if (on_page) on_page(out.items.size());
    if (out.more || page->next_cursor.empty()) break;
    if (page->next_cursor == filter.cursor)
      return Error(ErrorCode::server,
                   i18n::format(N_("the service returned the same page cursor twice")),
                   "next_cursor");
    filter.cursor = page->next_cursor;
  }
  return out;
}

}  // namespace sne
