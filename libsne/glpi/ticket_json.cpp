// The JSON shapes of GLPI's records, as `sne ticket ... --json` writes them.
#include "sne/glpi.hpp"

namespace sne {

Json to_json(const GlpiCategory& c) {
  return Json::object()
      .set("id", c.id)
      .set("name", c.name)
      .set("completename", c.completename)
      .set("parent_id", c.parent_id)
      .set("level", c.level)
      .set("helpdesk_visible", c.helpdesk_visible)
      .set("incident", c.incident)
      .set("request", c.request);
}

Json to_json(const Ticket& t) {
  return Json::object()
      .set("id", t.id)
      .set("title", t.title)
      .set("status", to_string(t.status))
      .set("status_code", static_cast<int>(t.status))
      .set("status_label", ticket_status_label(t.status))
      .set("type", to_string(t.type))
      .set("urgency", t.urgency)
      .set("category_id", t.category_id)
      .set("category", t.category)
      .set("date", t.date)
      .set("date_mod", t.date_mod)
      .set("text", t.text);
}

Json to_json(const TicketDocument& d) {
  return Json::object()
      .set("id", d.id)
      .set("name", d.name)
      .set("filename", d.filename)
      .set("mime", d.mime);
}

Json to_json(const TicketFollowup& f) {
  return Json::object()
      .set("id", f.id)
      .set("date", f.date)
      .set("text", f.text)
      .set("is_private", f.is_private)
      .set("user_id", f.user_id);
}

Json to_json(const TicketDetail& detail) {
  Json followups = Json::array(), documents = Json::array();
  for (const auto& f : detail.followups) followups.push(to_json(f));
  for (const auto& d : detail.documents) documents.push(to_json(d));
  return to_json(detail.ticket)
      .set("followups", std::move(followups))
      .set("documents", std::move(documents));
}

Json to_json(const FollowupResult& r) {
  Json j = Json::object().set("ticket", r.ticket);
  if (r.id > 0) return j.set("followup", r.id);
  return j.set("followup", Json()).set("error", r.message);
}

namespace {

/// The members {attachments, failed} of a report, set on `j`.
Json with_files(Json j, const AttachReport& report) {
  Json attached = Json::array(), failed = Json::array();
  for (const auto& f : report.files) {
    if (f.document) attached.push(to_json(*f.document));
    if (f.error) failed.push(Json::object().set("file", f.path).set("error", f.error->message()));
  }
  return j.set("attachments", std::move(attached)).set("failed", std::move(failed));
}

}  // namespace

Json to_json(const AttachReport& report) {
  return with_files(Json::object().set("ticket", report.ticket), report);
}

Json to_json(const CreatedTicket& t) {
  return with_files(Json::object()
                        .set("id", t.id)
                        .set("title", t.title)
                        .set("category", t.category.completename)
                        .set("category_id", t.category.id)
                        .set("pli", t.pli.empty() ? Json() : Json(t.pli)),
                    t.attachments);
}

Json to_json(const ClosedTicket& c) {
  return to_json(c.ticket)
      .set("solution", c.solution > 0 ? Json(c.solution) : Json())
      .set("approval", c.approval > 0 ? Json(c.approval) : Json())
      .set("closed", c.ticket.status == TicketStatus::closed);
}

Json to_json(const TicketWatchEvent& e) {
  return Json::object()
      .set("id", e.ticket.id)
      .set("title", e.ticket.title)
      .set("status", to_string(e.ticket.status))
      .set("status_code", static_cast<int>(e.ticket.status))
      .set("status_label", ticket_status_label(e.ticket.status))
      .set("previous", e.previous ? Json(to_string(*e.previous)) : Json())
      .set("date_mod", e.ticket.date_mod);
}

Json to_json(const TicketWatchResult& r) {
  return Json::object()
      .set("outcome", to_string(r.outcome))
      .set("rounds", r.rounds)
      .set("ticket", to_json(r.ticket));
}

}  // namespace sne
