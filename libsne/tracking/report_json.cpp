// The numbers behind the pli report's charts, as `sne pli report --json` prints them.
#include "sne/report.hpp"

namespace sne {

namespace {

Json optional_long(const std::optional<long>& v) { return v ? Json(*v) : Json(); }

Json instant(const std::optional<Timestamp>& t) { return t ? Json(format_timestamp(*t)) : Json(); }

Json to_json(const GuichetReport& g, const PliReportQuery& query) {
  PliQuery period;
  period.since = query.since;
  period.until = query.until;
  Json weeks = Json::array();
  for (const auto& w : g.weeks) {
    Json by = Json::object();
    for (const auto& s : statuts()) by.set(s.code, w.by_statut[static_cast<std::size_t>(s.value)]);
    weeks.push(
        Json::object()
            .set("week", w.week.str())
            .set("monday", w.week.monday().iso())
            .set("total", w.total)
            .set("by_statut", std::move(by))
            .set("processed", w.processed)
            .set("late", w.late)
            .set("processing_jours_ouvres", Json::object()
                                                .set("median", optional_long(w.median_jours_ouvres))
                                                .set("p90", optional_long(w.p90_jours_ouvres))));
  }
  Json motifs = Json::array();
  for (const auto& m : g.motifs)
    motifs.push(Json::object().set("motif", m.motif).set("plis", m.plis).set("pieces", m.pieces));
  Json overdue = Json::array();
  for (const auto& o : g.overdue)
    overdue.push(Json::object()
                     .set("transaction", o.transaction)
                     .set("numero_unique", o.numero_unique)
                     .set("guichet", o.guichet)
                     .set("sent", o.sent.iso())
                     .set("due", o.due.iso())
                     .set("days_late", o.days_late));
  return Json::object()
      .set("guichet", g.guichet.empty() ? Json() : Json(g.guichet))
      .set("totals", to_json(g.totals, period))
      .set("weeks", std::move(weeks))
      .set("rejections_by_motif", std::move(motifs))
      .set("motifs_unread", g.motifs_unread)
      .set("overdue", std::move(overdue));
}

}  // namespace

Json to_json(const PliReport& r) {
  Json statuts_json = Json::array();
  for (auto s : r.query.statuts) statuts_json.push(info(s).code);
  Json guichets = Json::array();
  for (const auto& g : r.guichets) guichets.push(to_json(g, r.query));
  return Json::object()
      .set("now", format_timestamp(r.now))
      .set("since", instant(r.query.since))
      .set("until", instant(r.query.until))
      .set("statuts", std::move(statuts_json))
      .set("sla_jours_ouvres", kSlaJoursOuvres)
      .set("time_zone", "legal time of each demande's territory")
      .set("all", to_json(r.all, r.query))
      .set("guichets", std::move(guichets));
}

}  // namespace sne
