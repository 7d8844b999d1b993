// sne calendar holidays|add|between: public holidays and jours ouvrés.
#include <fmt/format.h>

#include <sne/calendar.hpp>
#include <sne/text.hpp>
#include <sne/timestamp.hpp>
#include <sne/tracking.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

struct Where {
  const Territoire* territoire;  ///< nullptr: national holidays only
  CalendarZone zone;
};

Result<Where> where(Context& ctx, const std::string& flag) {
  auto t = ctx.departement(flag);
  if (!t) return t.error();
  return Where{*t, *t != nullptr ? (*t)->zone : CalendarZone::metropole};
}

void describe_where(Json& doc, const Where& w) {
  doc.set("departement", w.territoire != nullptr ? Json(w.territoire->code) : Json());
  doc.set("zone", to_string(w.zone));
}

/// A date argument: a day (YYYY-MM-DD), or an instant such as a pli's date_transmission
/// (2026-10-23T23:13:00Z), whose day is taken in the legal time of `zone`, as the SLA takes it
/// (local_day). Errors name the argument and show the input.
Result<Date> date_argument(std::string_view name, const std::string& text, CalendarZone zone) {
  auto d = Date::parse(text);
  if (d) return d;
  if (text.find('T') != std::string::npos) {
    auto t = parse_timestamp(text);
    if (t) return local_day(*t, zone);
    Error e = t.error();
    return e.prefixed(fmt::format("{} '{}'", name, printable(text)));
  }
  Error e = d.error();
  return e.prefixed(fmt::format("{} '{}'", name, printable(text)));
}

struct HolidaysOptions {
  int year = 0;
  std::string departement;
};

CommandResult run_holidays(const HolidaysOptions& opts, Context& ctx) {
  if (opts.year < 1583 || opts.year > 9999)
    return Error(ErrorCode::invalid_input,
                 tr(N_("year {} is not 1583-9999 (the Gregorian calendar)"), opts.year), "year");
  auto w = where(ctx, opts.departement);
  if (!w) return w.error();
  const auto holidays = public_holidays(opts.year, w->zone);
  if (ctx.out().json()) {
    Json list = Json::array();
    for (const auto& h : holidays)
      list.push(Json::object()
                    .set("date", h.date.iso())
                    .set("code", h.code)
                    .set("name", h.name)
                    .set("weekday", weekday_name_fr(h.date.weekday())));
    ctx.out().print(list);
    return kExitOk;
  }
  // TRANSLATORS: the headers of 'sne calendar holidays' (the French of the domain already).
  Table table({_("DATE"), _("JOUR"), _("NOM")});
  for (const auto& h : holidays)
    table.add({h.date.iso(), std::string(weekday_name_fr(h.date.weekday())), std::string(h.name)},
              {Style::plain, h.date.is_weekend() ? Style::dim : Style::plain});
  table.print(ctx.out());
  return kExitOk;
}

struct AddOptions {
  std::string date;
  long days = 0;
  std::string departement;
};

CommandResult run_add(const AddOptions& opts, Context& ctx) {
  auto w = where(ctx, opts.departement);
  if (!w) return w.error();
  auto from = date_argument("DATE", opts.date, w->zone);
  if (!from) return from.error();
  const auto due = add_jours_ouvres(*from, opts.days, w->zone);
  if (!due) return due.error();
  if (ctx.out().json()) {
    Json doc = Json::object();
    doc.set("from", from->iso()).set("jours_ouvres", opts.days).set("date", due->iso());
    describe_where(doc, *w);
    ctx.out().print(doc);
  } else {
    ctx.out().line(due->iso());
  }
  return kExitOk;
}

struct BetweenOptions {
  std::string from;
  std::string to;
  std::string departement;
};

CommandResult run_between(const BetweenOptions& opts, Context& ctx) {
  auto w = where(ctx, opts.departement);
  if (!w) return w.error();
  auto from = date_argument("FROM", opts.from, w->zone);
  if (!from) return from.error();
  auto to = date_argument("TO", opts.to, w->zone);
  if (!to) return to.error();
  const auto n = jours_ouvres_between(*from, *to, w->zone);
  if (!n) return n.error();
  if (ctx.out().json()) {
    Json doc = Json::object();
    doc.set("from", from->iso()).set("to", to->iso()).set("jours_ouvres", *n);
    describe_where(doc, *w);
    ctx.out().print(doc);
  } else {
    ctx.out().line(fmt::format("{}", *n));  // a bare number, for scripts too
  }
  return kExitOk;
}

void departement_option(CLI::App& verb, std::string& target) {
  verb.add_option("-d,--departement", target,
                  _("Département whose holidays apply (57, 2A, 974...); default: the profile's, "
                    "else national holidays only"))
      ->type_name("DEPT");
}

}  // namespace

void setup_calendar(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "calendar", _("Public holidays and jours ouvrés"));

  auto h = std::make_shared<HolidaysOptions>();
  auto* holidays = noun->add_subcommand("holidays", _("List the public holidays of a year"));
  holidays->add_option("YEAR", h->year, _("Year (1583-9999)"))->required();
  departement_option(*holidays, h->departement);
  on_parsed(*holidays, ctx, h, run_holidays);

  auto a = std::make_shared<AddOptions>();
  auto* add =
      noun->add_subcommand("add", _("The date N jours ouvrés after DATE (before it if N < 0)"));
  add->add_option("DATE", a->date,
                  _("Start date, YYYY-MM-DD, or an instant (2026-10-23T23:13:00Z) whose day is "
                    "taken in the territory's legal time"))
      ->required();
  add->add_option("N", a->days, _("Number of jours ouvrés"))->required();
  departement_option(*add, a->departement);
  on_parsed(*add, ctx, a, run_add);

  auto b = std::make_shared<BetweenOptions>();
  auto* between =
      noun->add_subcommand("between", _("Count the jours ouvrés d with FROM < d <= TO"));
  between->add_option("FROM", b->from, _("First date, YYYY-MM-DD or an instant (excluded)"))
      ->required();
  between->add_option("TO", b->to, _("Last date, YYYY-MM-DD or an instant (included)"))->required();
  departement_option(*between, b->departement);
  on_parsed(*between, ctx, b, run_between);
}

}  // namespace sne::cli
