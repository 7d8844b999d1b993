// Waiting for plis to reach a final status: polling with back-off.
#include <algorithm>

#include <fmt/format.h>

#include "base/i18n.hpp"
#include "sne/tracking.hpp"
#include "tracking/pacing.hpp"

namespace sne {

namespace {

using std::chrono::milliseconds;

/// Errors a later round may not meet: the network, a busy or failing service, a rate limit.
bool transient(const Error& e) {
  return e.retryable() || e.code() == ErrorCode::network || e.code() == ErrorCode::server ||
         e.code() == ErrorCode::rate_limited;
}

}  // namespace

Result<WatchOptions> watch_polling(std::string_view interval, std::string_view timeout) {
  WatchOptions options;
  if (!timeout.empty()) {
    auto t = parse_duration(timeout);
    if (!t)
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("timeout: {}"), i18n::Nested{t.error().message()}), "timeout");
    options.timeout = *t;
  }
  auto first = parse_duration(interval);
  if (!first)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("interval: {}"), i18n::Nested{first.error().message()}),
                 "interval");
  if (*first < kMinWatchInterval)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("interval: at least {}, not to hammer the service"),
                              format_duration(kMinWatchInterval)),
                 "interval");
  options.interval = *first;
  options.max_interval = std::max<milliseconds>(kMaxWatchInterval, *first);
  return options;
}

std::string_view to_string(WatchOutcome outcome) noexcept {
  switch (outcome) {
    case WatchOutcome::complete: return "complete";
    case WatchOutcome::rejected: return "rejected";
    case WatchOutcome::timeout: return "timeout";
    case WatchOutcome::cancelled: return "cancelled";
  }
  return "";
}

WatchTally tally(const WatchResult& result) {
  WatchTally t;
  for (const auto& p : result.plis) {
    if (p.resume.statut == StatutPli::enregistrement_complet)
      ++t.complete;
    else if (info(p.resume.statut).final)
      ++t.rejected;
    else
      ++t.pending;
  }
  return t;
}

Result<WatchResult> watch_plis(Service& service, const std::vector<std::string>& transactions,
                               const WatchOptions& options,
                               const std::function<void(const WatchEvent&)>& on_event) {
  if (transactions.empty())
    return Error(ErrorCode::invalid_input, i18n::format(N_("no pli to watch")), "transaction");
  if (auto ok = tracking::Pacer::check(options); !ok) return ok.error();
  tracking::Pacer pacer(options);
  const auto cancelled = [&] { return pacer.cancelled(); };

  WatchResult result;
  std::vector<std::optional<Pli>> last(transactions.size());
  for (;;) {
    ++result.rounds;
    bool changed = false;
    std::optional<Error> failure;
    for (std::size_t i = 0; i < transactions.size() && !cancelled(); ++i) {
      if (last[i] && info(last[i]->resume.statut).final) continue;
      auto pli = service.pli(transactions[i]);
      if (!pli) {
        // The first sighting must succeed: an unknown pli will not appear by waiting.
        if (!last[i] || !transient(pli.error())) return pli.error();
        failure = pli.error();
        break;
      }
      std::optional<StatutPli> previous;
      if (last[i]) {
        if (last[i]->resume.statut == pli->resume.statut) {
          last[i] = std::move(*pli);
          continue;
        }
        previous = last[i]->resume.statut;
      }
      changed = true;  // a first sighting, or a change: polling starts again at its pace
      last[i] = std::move(*pli);
      if (on_event) on_event(WatchEvent{*last[i], previous});
    }
    if (cancelled()) {
      result.outcome = WatchOutcome::cancelled;
      break;
    }
    if (failure) {
      if (options.on_retry) options.on_retry(*failure);
      pacer.after_round(false);
    } else {
      const bool all_final = std::all_of(last.begin(), last.end(), [](const auto& p) {
        return p && info(p->resume.statut).final;
      });
      if (all_final) {
        const bool complete = std::all_of(last.begin(), last.end(), [](const auto& p) {
          return p->resume.statut == StatutPli::enregistrement_complet;
        });
        result.outcome = complete ? WatchOutcome::complete : WatchOutcome::rejected;
        break;
      }
      pacer.after_round(changed);
    }
    if (!pacer.wait_for_next_round()) {
      result.outcome = WatchOutcome::timeout;
      break;
    }
    if (cancelled()) {
      result.outcome = WatchOutcome::cancelled;
      break;
    }
  }
  for (auto& p : last)
    if (p) result.plis.push_back(std::move(*p));
  return result;
}

}  // namespace sne
