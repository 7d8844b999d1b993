#include "tracking/pacing.hpp"

#include <algorithm>
#include <thread>

#include "base/i18n.hpp"

namespace sne::tracking {

using std::chrono::milliseconds;

namespace {
constexpr milliseconds kSleepSlice{200};
}  // namespace

Status Pacer::check(const WatchOptions& options) {
  if (options.interval <= milliseconds(0) || options.max_interval < options.interval)
    return Error(
        ErrorCode::invalid_input,
        i18n::format(N_("the polling interval must be positive and at most the maximum interval")),
        "interval");
  return Status();
}

Pacer::Pacer(const WatchOptions& options)
    : options_(options), start_(now()), wait_(options.interval) {}

bool Pacer::cancelled() const { return options_.cancelled && options_.cancelled(); }

Pacer::Clock::time_point Pacer::now() const {
  return options_.clock ? options_.clock() : Clock::now();
}

void Pacer::after_round(bool changed) {
  wait_ = changed ? options_.interval : std::min(wait_ * 2, options_.max_interval);
}

bool Pacer::wait_for_next_round() {
  const bool bounded = options_.timeout > milliseconds(0);
  const auto elapsed = std::chrono::duration_cast<milliseconds>(now() - start_);
  if (bounded && elapsed >= options_.timeout) return false;
  const milliseconds d = bounded ? std::min(wait_, options_.timeout - elapsed) : wait_;
  if (options_.sleep) {
    options_.sleep(d);
    return true;
  }
  const auto until = Clock::now() + d;
  while (!cancelled()) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
    if (left <= milliseconds(0)) break;
    std::this_thread::sleep_for(std::min(left, kSleepSlice));
  }
  return true;
}

}  // namespace sne::tracking
