// The period of a tableau de bord's query as a user writes it: days or instants.
#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/text.hpp"
#include "sne/tracking.hpp"

namespace sne {

namespace {

/// A day (00:00 UTC; the next day's 00:00 when `end_of_day`) or an exact time, 1970 to 2199.
Result<Timestamp> bound(std::string_view text, const char* name, bool end_of_day) {
  std::optional<Timestamp> t;
  if (auto d = Date::parse(text)) {
    if (d->year() >= 1970 && d->year() < 2200)
      t = Timestamp(
          std::chrono::seconds(static_cast<long long>(d->days() + (end_of_day ? 1 : 0)) * 86400));
  } else if (auto exact = parse_timestamp(text)) {
    if (format_timestamp(*exact) < "2200") t = *exact;
  } else {
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("{} '{}': expected YYYY-MM-DD or an ISO 8601 time"), name,
                              printable(text, std::string::npos)),
                 name);
  }
  if (!t)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("{} '{}': out of range (1970 to 2199)"), name,
                              printable(text, std::string::npos)),
                 name);
  return *t;
}

}  // namespace

Result<PliPeriod> parse_pli_period(std::string_view since, std::string_view until) {
  PliPeriod p;
  if (!since.empty()) {
    auto t = bound(since, "since", false);
    if (!t) return t.error();
    p.since = *t;
  }
  if (!until.empty()) {
    auto t = bound(until, "until", true);
    if (!t) return t.error();
    p.until = *t;
  }
  if (p.since && p.until && *p.until <= *p.since)
    return Error(ErrorCode::invalid_input, i18n::format(N_("until is before since")), "until");
  return p;
}

}  // namespace sne
