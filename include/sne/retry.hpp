/// @file
/// When a failed request is tried again, for every client of the library (the
/// SNE services, GLPI). Knows nothing of the domain.
#pragma once

#include <chrono>
#include <functional>

namespace sne {

/// When and how often a failed request is tried again. Only requests that are idempotent
/// (GET, PUT, DELETE) or carry an Idempotency-Key are retried, and only after a connection
/// failure or an answer 408, 429, 500, 502, 503 or 504.
struct RetryPolicy {
  int max_attempts = 4;                        ///< the first try included; 1: never
  std::chrono::milliseconds base_delay{500};   ///< doubled after each failure
  std::chrono::milliseconds max_delay{8000};   ///< cap of one wait (and Retry-After)
  std::chrono::milliseconds max_total{30000};  ///< no retry once this much has passed
  /// Told before each wait to retry: the status that failed (0: no answer) and the wait, so
  /// that a caller running many requests can slow all of them down (the bulk engine's pace).
  std::function<void(int status, std::chrono::milliseconds wait)> on_retry;
};

}  // namespace sne
