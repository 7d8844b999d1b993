#include "http/retry.hpp"

#include <algorithm>
#include <charconv>
#include <thread>
#include <utility>

#include "base/i18n.hpp"

namespace sne::http {

bool retryable_status(int status) noexcept {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504: return true;
    default: return false;
  }
}

std::optional<std::chrono::milliseconds> retry_after(const Headers& headers,
                                                     std::chrono::system_clock::time_point now) {
  const auto value = header(headers, "Retry-After");
  if (!value || value->empty()) return std::nullopt;
  long long secs = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), secs);
  if (ec == std::errc() && end == value->data() + value->size() && secs >= 0)
    return std::chrono::milliseconds(std::min(secs, 86400LL) * 1000);
  // An HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT".
  const auto at = parse_http_date(*value);
  if (!at) return std::nullopt;
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(*at - now);
  return std::max(wait, std::chrono::milliseconds(0));
}

std::string mention_wait(std::string message, const Headers& headers) {
  if (message.find("try again") != std::string::npos) return message;
  const auto wait = retry_after(headers, std::chrono::system_clock::now());
  if (!wait) return message;
  const long long secs = (wait->count() + 999) / 1000;
  return i18n::format(N_("{}; try again in {} s"), i18n::Nested{message}, secs);
}

RetryingTransport::RetryingTransport(std::unique_ptr<Transport> inner, RetryPolicy policy,
                                     Sleeper sleeper, MonotonicClock clock, std::uint32_t seed)
    : inner_(std::move(inner)),
      policy_(std::move(policy)),
      sleeper_(std::move(sleeper)),
      clock_(std::move(clock)),
      rng_(seed) {}

Result<Response> RetryingTransport::send(const Request& request) {
  const auto start = clock_();
  const bool may_retry = request.safe_to_retry();
  for (int attempt = 1;; ++attempt) {
    Result<Response> result = inner_->send(request);
    const bool failed =
        !result ? result.error().code() == ErrorCode::network : retryable_status(result->status);
    if (!failed || !may_retry || attempt >= policy_.max_attempts) return result;
    // Equal jitter: a random wait between half and all of the exponential bound, so that
    // clients failing together do not retry together; unless the server said when.
    const std::chrono::milliseconds bound = std::min<std::chrono::milliseconds>(
        policy_.max_delay, policy_.base_delay * (1LL << std::min(attempt - 1, 20)));
    std::chrono::milliseconds delay(std::uniform_int_distribution<long long>(
        bound.count() / 2, std::max<long long>(bound.count(), 1))(rng_));
    if (result) {
      if (auto asked = retry_after(result->headers, std::chrono::system_clock::now())) {
        if (*asked > policy_.max_delay) {  // longer than we are willing to wait
          if (policy_.on_retry) policy_.on_retry(result->status, *asked);  // but others may
          return result;
        }
        delay = *asked;
      }
    }
    if (clock_() - start + delay > policy_.max_total) return result;
    if (policy_.on_retry) policy_.on_retry(result ? result->status : 0, delay);
    if (!sleeper_(delay))
      return Error(ErrorCode::cancelled, i18n::format(N_("interrupted while waiting to retry")));
  }
}

bool real_sleep(std::chrono::milliseconds delay) {
  std::this_thread::sleep_for(delay);
  return true;
}

}  // namespace sne::http
