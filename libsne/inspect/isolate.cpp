#include "inspect/isolate.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>

#include "base/i18n.hpp"

namespace sne::inspect {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr int kExitOutOfMemory = 71;
constexpr int kExitFailed = 70;
constexpr std::size_t kMaxOutput = 1 << 20;

/// The child's address space now, from /proc/self/statm (pages), in bytes; 0 if unknown.
std::uint64_t current_address_space() {
  std::FILE* f = std::fopen("/proc/self/statm", "re");
  if (f == nullptr) return 0;
  unsigned long long pages = 0;
  const int n = std::fscanf(f, "%llu", &pages);
  (void)std::fclose(f);
  if (n != 1) return 0;
  return pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

void limit(int resource, rlim_t soft, rlim_t hard) {
  rlimit r{soft, hard};
  setrlimit(resource, &r);
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

/// What confines a process that parses untrusted input, a one-shot child or a server: default
/// dispositions and an empty mask (a crash must end it with its signal, not run a handler of
/// the parent's nor a sanitizer's report; SIGXCPU must stop it), no output, no core, no file
/// written, and its address space bounded.
void confine(const ChildLimits& limits) {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU, SIGXFSZ, SIGPIPE, SIGTERM})
    (void)signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (int null = open("/dev/null", O_RDWR | O_CLOEXEC); null >= 0) {
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
  }
  limit(RLIMIT_CORE, 0, 0);
  limit(RLIMIT_FSIZE, 0, 0);  // no file is written by inspection
  // ASan reserves terabytes of shadow memory: an address-space limit would stop it at once.
  if (!kAddressSanitizer && limits.memory > 0) {
    const std::uint64_t base = current_address_space();
    if (base > 0) limit(RLIMIT_AS, base + limits.memory, base + limits.memory);
  }
}

/// How a confined process ended, from its wait status: crashed, timed out (killed, or past
/// its CPU time), out of memory; `outcome` is left as it is otherwise.
void judge(int status, ChildOutcome& outcome) {
  if (WIFSIGNALED(status)) {
    outcome.signal = WTERMSIG(status);
    outcome.kind = outcome.signal == SIGXCPU || outcome.signal == SIGKILL
                       ? ChildOutcome::Kind::timed_out
                       : ChildOutcome::Kind::crashed;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory) {
    outcome.kind = ChildOutcome::Kind::out_of_memory;
  }
}

[[noreturn]] void child(int out, const std::function<std::string()>& work,
                        const ChildLimits& limits) {
  confine(limits);
  (void)signal(SIGINT, SIG_DFL);
  const auto cpu = static_cast<rlim_t>((limits.wall.count() + 999) / 1000);
  limit(RLIMIT_CPU, cpu, cpu + 1);
  int code = 0;
  try {
    const std::string result = work();
    if (!write_all(out, result.data(), result.size())) code = kExitFailed;
  } catch (const std::bad_alloc&) {
    code = kExitOutOfMemory;
  } catch (...) {
    code = kExitFailed;
  }
  _exit(code);
}

}  // namespace

bool memory_limit_enforced() { return !kAddressSanitizer; }

ChildOutcome run_isolated(const std::function<std::string()>& work, const ChildLimits& limits) {
  ChildOutcome outcome;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    outcome.detail = std::string("pipe: ") + std::strerror(errno);
    return outcome;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    outcome.detail = std::string("fork: ") + std::strerror(errno);
    close(fds[0]);
    close(fds[1]);
    return outcome;
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], work, limits);
  }
  close(fds[1]);

  const auto deadline = std::chrono::steady_clock::now() + limits.wall;
  bool timed_out = false;
  bool too_long = false;
  char buffer[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // re-checks the deadline
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is done (or died)
    if (outcome.output.size() + static_cast<std::size_t>(n) > kMaxOutput) {
      too_long = true;
      break;
    }
    outcome.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timed_out || too_long) kill(pid, SIGKILL);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    outcome.kind = ChildOutcome::Kind::timed_out;
  } else if (too_long) {
    outcome.kind = ChildOutcome::Kind::failed;
    outcome.detail = i18n::format(N_("the inspection's output was too long"));
  } else if (WIFSIGNALED(status) ||
             (WIFEXITED(status) && WEXITSTATUS(status) == kExitOutOfMemory)) {
    judge(status, outcome);
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    outcome.kind = ChildOutcome::Kind::finished;
  } else {
    outcome.kind = ChildOutcome::Kind::failed;
    outcome.detail = i18n::format(N_("the inspection failed"));
  }
  if (outcome.kind != ChildOutcome::Kind::finished) outcome.output.clear();
  return outcome;
}

}  // namespace sne::inspect

namespace sne::inspect {

namespace {

bool read_exact(int fd, char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = read(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool send_frame(int fd, std::string_view body) {
  const auto size = static_cast<std::uint32_t>(body.size());
  char header[4] = {static_cast<char>(size >> 24), static_cast<char>(size >> 16),
                    static_cast<char>(size >> 8), static_cast<char>(size)};
  return write_all(fd, header, 4) && write_all(fd, body.data(), body.size());
}

std::optional<std::string> receive_frame(int fd) {
  unsigned char header[4];
  if (!read_exact(fd, reinterpret_cast<char*>(header), 4)) return std::nullopt;
  const std::uint32_t size = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                             (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
  if (size > 2 * kMaxOutput) return std::nullopt;
  std::string body(size, '\0');
  if (!read_exact(fd, body.data(), size)) return std::nullopt;
  return body;
}

[[noreturn]] void serve_forever(int fd, const ForkServer::Serve& serve, const ChildLimits& limits) {
  // Confined as a child; Ctrl-C reaches the whole process group, and the caller decides; a
  // vanished caller's socket is EOF, not SIGPIPE; the server ends when its socket closes.
  confine(limits);
  (void)signal(SIGINT, SIG_IGN);
  (void)signal(SIGPIPE, SIG_IGN);
  (void)prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Nothing of the caller's stays open here: not its pipes (whoever waits for their end would
  // wait for this server too), not the sockets of servers started before this one (they
  // would never see their caller close them).
  if (int null = open("/dev/null", O_RDONLY | O_CLOEXEC); null >= 0) dup2(null, STDIN_FILENO);
  if (fd > STDERR_FILENO + 1)
    (void)close_range(STDERR_FILENO + 1, static_cast<unsigned>(fd) - 1, 0);
  (void)close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  for (;;) {
    auto request = receive_frame(fd);
    if (!request) _exit(0);
    std::string answer;
    try {
      answer = serve(*request);
    } catch (const std::bad_alloc&) {
      _exit(kExitOutOfMemory);
    } catch (...) {
      _exit(kExitFailed);
    }
    if (answer.size() > kMaxOutput || !send_frame(fd, answer)) _exit(0);
  }
}

}  // namespace

std::unique_ptr<ForkServer> ForkServer::start(const Serve& serve, const ChildLimits& limits) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return nullptr;
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return nullptr;
  }
  if (pid == 0) {
    close(fds[0]);
    serve_forever(fds[1], serve, limits);
  }
  close(fds[1]);
  return std::unique_ptr<ForkServer>(new ForkServer(fds[0], pid));
}

ForkServer::~ForkServer() {
  ChildOutcome ignored;
  if (pid_ > 0) end(ignored, false);
}

void ForkServer::end(ChildOutcome& outcome, bool kill_it) {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (pid_ <= 0) return;
  if (kill_it) kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (outcome.kind != ChildOutcome::Kind::failed) return;  // already judged (timed out)
  judge(status, outcome);
  if (outcome.kind == ChildOutcome::Kind::failed)
    outcome.detail = i18n::format(N_("the inspection server ended"));
}

ChildOutcome ForkServer::call(std::string_view request, std::chrono::milliseconds wall) {
  ChildOutcome outcome;
  if (fd_ < 0) {
    outcome.detail = i18n::format(N_("the inspection server is gone"));
    return outcome;
  }
  if (!send_frame(fd_, request)) {
    end(outcome, true);
    return outcome;
  }
  // The answer within the wall clock: a frame, its length first.
  const auto deadline = std::chrono::steady_clock::now() + wall;
  std::string buffer;
  for (;;) {
    if (buffer.size() >= 4) {
      const auto* h = reinterpret_cast<const unsigned char*>(buffer.data());
      const std::uint32_t size = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) |
                                 (std::uint32_t{h[2]} << 8) | std::uint32_t{h[3]};
      if (size > kMaxOutput) {
        outcome.detail = i18n::format(N_("the inspection's output was too long"));
        end(outcome, true);
        return outcome;
      }
      if (buffer.size() >= 4 + std::size_t{size}) {
        outcome.kind = ChildOutcome::Kind::finished;
        outcome.output = buffer.substr(4, size);
        ++served_;
        return outcome;
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      outcome.kind = ChildOutcome::Kind::timed_out;
      end(outcome, true);
      return outcome;
    }
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready <= 0) continue;  // EINTR, or the deadline re-checked
    char chunk[65536];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {  // the server died: how is the outcome
      end(outcome, false);
      return outcome;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace sne::inspect
