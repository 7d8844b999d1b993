// Waiting for plis to reach a final status: polling with back-off.
#include <algorithm>
#include <thread>

#include <fmt/format.h>

#include "sne/tracking.hpp"

namespace sne {

namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr milliseconds kSleepSlice{200};

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
    if (!t) return Error(ErrorCode::invalid_input, "timeout: " + t.error().message(), "timeout");
    options.timeout = *t;
  }
  auto first = parse_duration(interval);
  if (!first)
    return Error(ErrorCode::invalid_input, "interval: " + first.error().message(), "interval");
  if (*first < kMinWatchInterval)
    return Error(ErrorCode::invalid_input,
                 fmt::format("interval: at least {}, not to hammer the service",
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
    return Error(ErrorCode::invalid_input, "no pli to watch", "transaction");
  if (options.interval <= milliseconds(0) || options.max_interval < options.interval)
    return Error(ErrorCode::invalid_input,
                 "the polling interval must be positive and at most the maximum interval",
                 "interval");
  const auto cancelled = [&] { return options.cancelled && options.cancelled(); };
  const auto clock = [&] { return options.clock ? options.clock() : Clock::now(); };
  const auto sleep = [&](milliseconds d) {
    if (options.sleep) return options.sleep(d);
    const auto until = Clock::now() + d;
    while (!cancelled()) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
      if (left <= milliseconds(0)) break;
      std::this_thread::sleep_for(std::min(left, kSleepSlice));
    }
  };
  const auto start = clock();
  const bool bounded = options.timeout > milliseconds(0);

  WatchResult result;
  std::vector<std::optional<Pli>> last(transactions.size());
  milliseconds wait = options.interval;
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
      wait = std::min(wait * 2, options.max_interval);
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
      wait = changed ? options.interval : std::min(wait * 2, options.max_interval);
    }
    const auto elapsed = std::chrono::duration_cast<milliseconds>(clock() - start);
    if (bounded && elapsed >= options.timeout) {
      result.outcome = WatchOutcome::timeout;
      break;
    }
    // The last round falls on the deadline itself.
    sleep(bounded ? std::min(wait, options.timeout - elapsed) : wait);
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
