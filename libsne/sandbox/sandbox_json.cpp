// The sandbox's reports as JSON (what `sne sandbox ... --json` prints): seconds for durations,
// ISO 8601 for instants, codes for statuses.
#include "sne/sandbox.hpp"

namespace sne {

Json to_json(const OutboxMail& m) {
  return Json::object()
      .set("id", m.id)
      .set("sent_at", format_timestamp(m.sent_at))
      .set("to", m.to)
      .set("subject", m.subject)
      .set("body", m.body);
}

Json to_json(const SandboxClock& c) {
  return Json::object()
      .set("now", format_timestamp(c.now))
      .set("mode", c.fixed ? "fixed" : "auto")
      .set("offset_seconds", static_cast<std::int64_t>(c.offset.count()));
}

Json to_json(const NumeriseurRun& run, std::chrono::seconds advanced_by) {
  Json tx = Json::array();
  for (const auto& t : run.transactions) tx.push(t);
  return Json::object()
      .set("advanced_by", advanced_by.count())
      .set("processed", run.transactions.size())
      .set("enregistrement_complet", run.complete)
      .set("rejet_pieces", run.rejet_pieces)
      .set("rejet_dossier", run.rejet_dossier)
      .set("transactions", std::move(tx));
}

Json to_json(const NumeriseurState& state) {
  return Json::object()
      .set("delay", state.delay.count())
      .set("waiting", state.waiting)
      .set("stuck", state.stuck);
}

Json to_json(const SandboxGlpi& g) {
  return Json::object()
      .set("session_ttl", static_cast<std::int64_t>(g.session_ttl.count()))
      .set("session_calls", g.session_calls)
      .set("max_upload", g.max_upload)
      .set("open_sessions", g.open_sessions)
      .set("tickets", g.tickets)
      .set("documents", g.documents);
}

Json to_json(const SeededPlis& seeded) {
  Json by_statut = Json::object();
  for (const auto& s : statuts()) {
    const auto n = seeded.by_statut.find(s.value);
    by_statut.set(std::string(s.code), n == seeded.by_statut.end() ? 0 : n->second);
  }
  return Json::object()
      .set("added", seeded.added)
      .set("guichet", seeded.guichet)
      .set("territoire", seeded.territoire)
      .set("demandes", seeded.demandes)
      .set("demandes_created", seeded.demandes_created)
      .set("first_transmission", format_timestamp(seeded.first))
      .set("last_transmission", format_timestamp(seeded.last))
      .set("by_statut", std::move(by_statut));
}

std::string_view to_string(SandboxDrop d) noexcept {
  switch (d) {
    case SandboxDrop::before: return "before";
    case SandboxDrop::either: return "either";
    case SandboxDrop::after: break;
  }
  return "after";
}

Json to_json(const SandboxFaults& k) {
  return Json::object()
      .set("active", k.any())
      .set("error_rate", k.error_rate)
      .set("error_status", k.error_status)
      .set("retry_after", static_cast<std::int64_t>(k.retry_after.count()))
      .set("latency_ms", static_cast<std::int64_t>(k.latency.count()))
      .set("drop_rate", k.drop_rate)
      .set("drop_when", to_string(k.drop_when))
      .set("rate_limit", k.rate_limit);
}

}  // namespace sne
