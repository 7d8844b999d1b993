#include "interrupt.hpp"

#include <atomic>
#include <csignal>

namespace sne::cli {

namespace {

std::atomic<bool> g_interrupted{false};

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = false;
  previous_ = std::signal(SIGINT, [](int) { g_interrupted = true; });
  if (previous_ == SIG_IGN) (void)std::signal(SIGINT, SIG_IGN);
}

InterruptGuard::~InterruptGuard() { (void)std::signal(SIGINT, previous_); }

bool InterruptGuard::interrupted() noexcept { return g_interrupted; }

const std::atomic<bool>& InterruptGuard::flag() noexcept { return g_interrupted; }

}  // namespace sne::cli
