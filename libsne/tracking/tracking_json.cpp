// The tableau de bord as JSON and CSV: plis judged against their deadline, counters, a watch's
// changes and its end. Codes for enums, ISO 8601 for days and instants, null for what is not
// known.
#include "sne/tracking_json.hpp"
#include "base/append.hpp"
#include "sne/contexte.hpp"
#include "sne/records_json.hpp"
#include "sne/text.hpp"
#include "sne/tracking.hpp"

namespace sne {

Json to_json(const PliSla& s) {
  return Json::object()
      .set("zone", std::string(to_string(s.zone)))
      .set("sent", s.sent.iso())
      .set("due", s.due.iso())
      .set("done", s.done ? Json(s.done->iso()) : Json())
      .set("elapsed_jours_ouvres", s.elapsed)
      .set("days_late", s.days_late)
      .set("overdue", s.overdue)
      .set("late", s.late);
}

Json to_json(const PliSummary& p, Timestamp now) {
  return to_json(p)
      .set("statut_label", std::string(info(p.statut).label))
      .set("sla", to_json(pli_sla(p, now)));
}

void append_json(std::string& out, const PliSummary& p, Timestamp now, int depth) {
  // The members of to_json(p, now) in its order (the record's, then statut_label and sla),
  // each value written by the code that sne::Json::dump() and format_timestamp() use. Keys are
  // plain ASCII, which Json writes as they are.
  const std::size_t outer = 2 * static_cast<std::size_t>(depth < 0 ? 0 : depth);
  std::size_t pad = outer + 2;
  const auto key = [&out, &pad](std::string_view name, bool first = false) {
    out += first ? "\n" : ",\n";
    out.append(pad, ' ');
    out += '"';
    out += name;
    out += "\": ";
  };
  const auto string = [&out](std::string_view value) { text::append_json_string(out, value); };
  const auto instant = [&out](Timestamp t) {
    out += '"';
    text::append_timestamp(out, t);
    out += '"';
  };
  const auto day = [&out](Date d) {
    out += '"';
    text::append_iso(out, d);
    out += '"';
  };
  const PliSla s = pli_sla(p, now);
  out += '{';
  key("contexte", true);
  string(info(p.contexte).code);
  key("date_statut");
  instant(p.date_statut);
  key("date_transmission");
  instant(p.date_transmission);
  key("guichet");
  string(p.guichet);
  key("nb_pieces");
  text::append_integer(out, p.nb_pieces);
  key("numero_unique");
  string(p.numero_unique);
  key("statut");
  string(info(p.statut).code);
  key("transaction");
  string(p.transaction);
  key("statut_label");
  string(info(p.statut).label);
  key("sla");
  out += '{';
  pad += 2;
  key("zone", true);
  string(to_string(s.zone));
  key("sent");
  day(s.sent);
  key("due");
  day(s.due);
  key("done");
  if (s.done)
    day(*s.done);
  else
    out += "null";
  key("elapsed_jours_ouvres");
  text::append_integer(out, s.elapsed);
  key("days_late");
  text::append_integer(out, s.days_late);
  key("overdue");
  out += s.overdue ? "true" : "false";
  key("late");
  out += s.late ? "true" : "false";
  out += '\n';
  out.append(outer + 2, ' ');
  out += "}\n";
  out.append(outer, ' ');
  out += '}';
}

Json to_json(const Pli& p, Timestamp now) {
  return to_json(p)
      .set("statut_label", std::string(info(p.resume.statut).label))
      .set("sla", to_json(pli_sla(p.resume, now)));
}

Json to_json(const PliStats& s, const PliQuery& query) {
  Json by = Json::object();
  for (const auto& [statut, n] : s.by_statut) by.set(info(statut).code, n);
  auto opt = [](const std::optional<long>& v) { return v ? Json(*v) : Json(); };
  auto instant = [](const std::optional<Timestamp>& t) {
    return t ? Json(format_timestamp(*t)) : Json();
  };
  return Json::object()
      .set("since", instant(query.since))
      .set("until", instant(query.until))
      .set("total", s.total)
      .set("by_statut", std::move(by))
      .set("rejected", s.rejected)
      .set("renewed", s.renewed)
      .set("overdue", s.overdue)
      .set("late", s.late)
      .set("processed", s.processed)
      .set("processing_jours_ouvres", Json::object()
                                          .set("median", opt(s.median_jours_ouvres))
                                          .set("p90", opt(s.p90_jours_ouvres)));
}

Json to_json(const WatchEvent& e) {
  const PliSummary& r = e.pli.resume;
  return Json::object()
      .set("transaction", r.transaction)
      .set("numero_unique", r.numero_unique)
      .set("statut", std::string(info(r.statut).code))
      .set("previous", e.previous ? Json(std::string(info(*e.previous).code)) : Json())
      .set("date_statut", format_timestamp(r.date_statut))
      .set("final", info(r.statut).final);
}

Json to_json(const WatchResult& result) {
  Json plis = Json::array();
  for (const auto& p : result.plis) plis.push(to_json(p));
  return Json::object()
      .set("outcome", std::string(to_string(result.outcome)))
      .set("plis", std::move(plis));
}

const std::vector<std::string>& pli_csv_columns() {
  static const std::vector<std::string> kColumns{
      "transaction", "numero_unique", "guichet", "contexte", "statut",   "date_transmission",
      "date_statut", "nb_pieces",     "sla_due", "overdue",  "days_late"};
  return kColumns;
}

std::string plis_csv(const std::vector<PliSummary>& plis, Timestamp now) {
  std::string out = csv_record(pli_csv_columns());
  for (const auto& p : plis) {
    const PliSla s = pli_sla(p, now);
    out +=
        csv_record({p.transaction, p.numero_unique, p.guichet, std::string(info(p.contexte).code),
                    std::string(info(p.statut).code), format_timestamp(p.date_transmission),
                    format_timestamp(p.date_statut), std::to_string(p.nb_pieces), s.due.iso(),
                    s.overdue ? "true" : "false", std::to_string(s.overdue ? s.days_late : 0)});
  }
  return out;
}

}  // namespace sne
