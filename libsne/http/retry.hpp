// Internal: retries over any Transport, with exponential backoff, full jitter and Retry-After,
// for requests that are safe to repeat. The waiting goes through a Sleeper so that tests run
// without sleeping and see every delay.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <random>

#include "http/message.hpp"
#include "sne/retry.hpp"

namespace sne::http {

/// Waits `delay`; false when interrupted (the caller gives up).
using Sleeper = std::function<bool(std::chrono::milliseconds delay)>;
/// Measures elapsed time; injected for tests.
using MonotonicClock = std::function<std::chrono::steady_clock::time_point()>;

/// Whether an answer of this status may succeed when tried again.
bool retryable_status(int status) noexcept;

/// The delay asked by a Retry-After value (seconds, or an HTTP date); nullopt when absent or
/// unreadable.
std::optional<std::chrono::milliseconds> retry_after(const Headers& headers,
                                                     std::chrono::system_clock::time_point now);

/// `message` with "; try again in N s" appended when the answer asks for a wait (Retry-After)
/// and the message does not say when already: what a refusal that was not retried tells the user.
std::string mention_wait(std::string message, const Headers& headers);

class RetryingTransport : public Transport {
 public:
  RetryingTransport(std::unique_ptr<Transport> inner, RetryPolicy policy, Sleeper sleeper,
                    MonotonicClock clock, std::uint32_t seed);
  Result<Response> send(const Request& request) override;

 private:
  std::unique_ptr<Transport> inner_;
  RetryPolicy policy_;
  Sleeper sleeper_;
  MonotonicClock clock_;
  std::mt19937 rng_;
};

/// Sleeps for real; always true.
bool real_sleep(std::chrono::milliseconds delay);

}  // namespace sne::http
