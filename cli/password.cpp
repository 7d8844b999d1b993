#include "password.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <fmt/format.h>

namespace sne::cli {

namespace {

/// One line typed on the terminal with echo off; nullopt at end of input.
std::optional<std::string> ask_hidden(const char* prompt) {
  fmt::print(stderr, "{}", prompt);
  (void)std::fflush(stderr);
  termios saved{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

Secret read_password(Context& ctx, bool from_stdin, bool confirm) {
  Secret s;
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line) || (line.empty() && std::cin.eof())) {
      s.failure = Error(ErrorCode::invalid_input, "--password-stdin: no password on stdin");
      return s;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    s.value = std::move(line);
  } else if (::isatty(STDIN_FILENO) == 0) {
    ctx.out().usage_error("no terminal to ask the password on", "pipe it with --password-stdin");
    s.failure = kExitUsage;
    return s;
  } else {
    auto first = ask_hidden("Password: ");
    if (!first) {
      s.failure = Error(ErrorCode::cancelled, "no password typed");
      return s;
    }
    if (confirm) {
      auto second = ask_hidden("Password again: ");
      if (!second || *second != *first) {
        s.failure = Error(ErrorCode::invalid_input, "the two passwords differ");
        return s;
      }
    }
    s.value = std::move(*first);
  }
  if (s.value.empty()) {
    s.failure = Error(ErrorCode::invalid_input, "the password is empty");
    return s;
  }
  s.ok = true;
  return s;
}

}  // namespace sne::cli
