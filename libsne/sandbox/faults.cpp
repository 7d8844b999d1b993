// The fault knobs in `meta`, one row each (absent: off):
//   fault_error_rate    fraction of requests answered fault_error_status ("0.25")
//   fault_error_status  408, 429, 500, 502, 503 or 504
//   fault_retry_after   seconds sent in Retry-After with those answers (0: no header)
//   fault_latency_ms    delay of every answer
//   fault_drop_rate     fraction of requests whose connection is closed without an answer
//   fault_drop_when     before, after or either (the request's processing)
//   fault_rate_limit    pli creations a second across clients (0: no limit)
#include "sandbox/faults.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace sne::sandbox::faults {

namespace {

constexpr std::int64_t kMaxRetryAfter = 3600;
constexpr std::int64_t kMaxLatencyMs = 60000;
constexpr double kMaxRate = 100000;

std::optional<double> to_double(const std::string& text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
    return std::nullopt;
  return v;
}

std::string drop_text(SandboxDrop d) {
  switch (d) {
    case SandboxDrop::before: return "before";
    case SandboxDrop::either: return "either";
    case SandboxDrop::after: break;
  }
  return "after";
}

void put(Db& db, std::string_view key, const std::string& value) {
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
}

Error out_of_range(std::string message, const char* member) {
  return Error(ErrorCode::invalid_input, std::move(message), member);
}

}  // namespace

SandboxFaults read(Db& db) {
  SandboxFaults f;
  // '`' follows '_': the range is the keys that start with "fault_", read from the index.
  auto st = db.prepare("SELECT key, value FROM meta WHERE key >= 'fault_' AND key < 'fault`'");
  while (st.step()) {
    const std::string key = st.text(0);
    const std::string text = st.text(1);
    const auto value = to_double(text);
    // A value that does not read (a hand-edited row) leaves its knob off.
    if (key == "fault_drop_when") {
      if (text == "before") f.drop_when = SandboxDrop::before;
      if (text == "either") f.drop_when = SandboxDrop::either;
      continue;
    }
    if (!value) continue;
    if (key == "fault_error_rate") f.error_rate = std::clamp(*value, 0.0, 1.0);
    if (key == "fault_error_status") f.error_status = static_cast<int>(*value);
    if (key == "fault_retry_after")
      f.retry_after = std::chrono::seconds(
          std::clamp(static_cast<std::int64_t>(*value), std::int64_t{0}, kMaxRetryAfter));
    if (key == "fault_latency_ms")
      f.latency = std::chrono::milliseconds(
          std::clamp(static_cast<std::int64_t>(*value), std::int64_t{0}, kMaxLatencyMs));
    if (key == "fault_drop_rate") f.drop_rate = std::clamp(*value, 0.0, 1.0);
    if (key == "fault_rate_limit") f.rate_limit = std::clamp(*value, 0.0, kMaxRate);
  }
  return f;
}

Status validate(const SandboxFaultsChange& c) {
  auto rate_ok = [](double r) { return std::isfinite(r) && r >= 0 && r <= 1; };
  if (c.error_rate && !rate_ok(*c.error_rate))
    return out_of_range(fmt::format("the error rate is 0 to 1, not {}", *c.error_rate),
                        "error_rate");
  if (c.error_status) {
    constexpr int kStatuses[] = {408, 429, 500, 502, 503, 504};
    if (std::find(std::begin(kStatuses), std::end(kStatuses), *c.error_status) ==
        std::end(kStatuses))
      return out_of_range(fmt::format("the error status is 408, 429, 500, 502, 503 or 504 (the "
                                      "statuses clients retry), not {}",
                                      *c.error_status),
                          "error_status");
  }
  if (c.retry_after && (c.retry_after->count() < 0 || c.retry_after->count() > kMaxRetryAfter))
    return out_of_range(
        fmt::format("Retry-After is 0 to 3600 seconds, not {}", c.retry_after->count()),
        "retry_after");
  if (c.latency && (c.latency->count() < 0 || c.latency->count() > kMaxLatencyMs))
    return out_of_range(fmt::format("the latency is 0 to 60000 ms, not {}", c.latency->count()),
                        "latency");
  if (c.drop_rate && !rate_ok(*c.drop_rate))
    return out_of_range(fmt::format("the drop rate is 0 to 1, not {}", *c.drop_rate), "drop_rate");
  if (c.rate_limit &&
      !(std::isfinite(*c.rate_limit) &&
        (*c.rate_limit == 0 || (*c.rate_limit >= 0.01 && *c.rate_limit <= kMaxRate))))
    return out_of_range(
        fmt::format("the rate limit is 0 (none) or 0.01 to 100000 plis a second, not {}",
                    *c.rate_limit),
        "rate_limit");
  return Status();
}

void write(Db& db, const SandboxFaultsChange& c) {
  if (c.off) db.run("DELETE FROM meta WHERE key >= 'fault_' AND key < 'fault`'");
  // fmt writes the shortest text that reads back as the same double.
  if (c.error_rate) put(db, "fault_error_rate", fmt::format("{}", *c.error_rate));
  if (c.error_status) put(db, "fault_error_status", std::to_string(*c.error_status));
  if (c.retry_after) put(db, "fault_retry_after", std::to_string(c.retry_after->count()));
  if (c.latency) put(db, "fault_latency_ms", std::to_string(c.latency->count()));
  if (c.drop_rate) put(db, "fault_drop_rate", fmt::format("{}", *c.drop_rate));
  if (c.drop_when) put(db, "fault_drop_when", drop_text(*c.drop_when));
  if (c.rate_limit) put(db, "fault_rate_limit", fmt::format("{}", *c.rate_limit));
}

bool applies_to(std::string_view method, std::string_view path) {
  if (path.substr(0, 4) != "/v1/") return false;
  return !(method == "POST" && path == "/v1/auth/token");
}

bool is_pli_creation(std::string_view method, std::string_view path) {
  constexpr std::string_view kPrefix = "/v1/demandes/", kSuffix = "/plis";
  if (method != "POST" || path.size() <= kPrefix.size() + kSuffix.size()) return false;
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  if (path.substr(path.size() - kSuffix.size()) != kSuffix) return false;
  const auto numero = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  return numero.find('/') == std::string_view::npos;
}

std::int64_t Bucket::take(double rate, Clock::time_point now) {
  const double capacity = std::max(1.0, rate);
  if (rate != rate_) {  // a new knob: a full bucket at the new rate
    rate_ = rate;
    tokens_ = capacity;
    last_ = now;
  }
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  if (elapsed > 0) tokens_ = std::min(capacity, tokens_ + elapsed * rate_);
  last_ = std::max(last_, now);
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return 0;
  }
  const double wait = (1 - tokens_) / rate_;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(wait)));
}

Dice::Dice() : rng_((std::uint64_t{std::random_device{}()} << 32) | std::random_device{}()) {}

Plan Dice::draw(const SandboxFaults& knobs) {
  std::lock_guard lock(mutex_);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Plan p;
  // unit() < rate: never for 0, always for 1.
  if (knobs.drop_rate > 0 && unit(rng_) < knobs.drop_rate) {
    bool before = knobs.drop_when == SandboxDrop::before;
    if (knobs.drop_when == SandboxDrop::either) before = unit(rng_) < 0.5;
    (before ? p.drop_before : p.drop_after) = true;
  }
  if (knobs.error_rate > 0 && unit(rng_) < knobs.error_rate) p.error = true;
  return p;
}

std::int64_t Dice::admit_pli(double rate, Bucket::Clock::time_point now) {
  std::lock_guard lock(mutex_);
  return bucket_.take(rate, now);
}

}  // namespace sne::sandbox::faults
