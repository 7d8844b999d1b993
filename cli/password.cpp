#include "password.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "i18n.hpp"

namespace sne::cli {

namespace {

// The terminal settings to restore if a signal ends the program during the prompt: a shell
// left without echo is unusable.
termios g_saved{};
volatile sig_atomic_t g_echo_off = 0;
constexpr std::array kSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restore_terminal_and_die(int sig) {
  if (g_echo_off != 0) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
  (void)!::write(STDERR_FILENO, "\n", 1);
  (void)::signal(sig, SIG_DFL);
  (void)::raise(sig);
}

/// One line typed on the terminal with echo off; nullopt at end of input.
std::optional<std::string> ask_hidden(const char* prompt) {
  const bool tty = ::tcgetattr(STDIN_FILENO, &g_saved) == 0;
  std::array<struct sigaction, kSignals.size()> previous{};
  if (tty) {
    struct sigaction on_signal {};
    on_signal.sa_handler = restore_terminal_and_die;
    sigemptyset(&on_signal.sa_mask);
    for (std::size_t i = 0; i < kSignals.size(); ++i)
      ::sigaction(kSignals[i], &on_signal, &previous[i]);
    termios quiet = g_saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    g_echo_off = 1;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  // The prompt comes once echo is off: nothing typed after it can show.
  fmt::print(stderr, "{}", prompt);
  (void)std::fflush(stderr);
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved);
    g_echo_off = 0;
    for (std::size_t i = 0; i < kSignals.size(); ++i)
      ::sigaction(kSignals[i], &previous[i], nullptr);
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

/// `msgid` about the token `what` names: English, with its translation remembered, where `what`
/// is given in its own (sne::localized: a caller's text made with tr()).
std::string about(const char* msgid, std::string_view what) {
  std::string english = fmt::format(fmt::runtime(msgid), what);
  if (const char* translated = translate(msgid); std::string_view(translated) != msgid) {
    try {
      remember_localized(english, fmt::format(fmt::runtime(translated), localized(what)));
    } catch (const fmt::format_error&) {  // a catalogue's bad format string: English stays
    }
  }
  return english;
}

}  // namespace

Secret read_password(Context& ctx, bool from_stdin, bool confirm) {
  Secret s;
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line) || (line.empty() && std::cin.eof())) {
      s.failure = Error(ErrorCode::invalid_input, tr(N_("--password-stdin: no password on stdin")));
      return s;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    s.value = std::move(line);
  } else if (::isatty(STDIN_FILENO) == 0) {
    ctx.out().usage_error(tr(N_("no terminal to ask the password on")),
                          tr(N_("pipe it with --password-stdin")));
    s.failure = kExitUsage;
    return s;
  } else {
    auto first = ask_hidden(_("Password: "));
    if (!first) {
      s.failure = Error(ErrorCode::invalid_input, tr(N_("no password typed")));
      return s;
    }
    if (confirm) {
      auto second = ask_hidden(_("Password again: "));
      if (!second || *second != *first) {
        s.failure = Error(ErrorCode::invalid_input, tr(N_("the two passwords differ")));
        return s;
      }
    }
    s.value = std::move(*first);
  }
  if (s.value.empty()) {
    s.failure = Error(ErrorCode::invalid_input, tr(N_("the password is empty")));
    return s;
  }
  s.ok = true;
  return s;
}

Secret read_token(Context& ctx, bool from_stdin, const char* prompt, std::string_view what,
                  bool may_be_empty) {
  Secret s;
  std::optional<std::string> line;
  if (from_stdin) {
    std::string text;
    if (std::getline(std::cin, text)) line = std::move(text);
    if (line && !line->empty() && line->back() == '\r') line->pop_back();
  } else if (::isatty(STDIN_FILENO) == 0) {
    ctx.out().usage_error(about(N_("no terminal to ask the {} on"), what),
                          tr(N_("pipe it with --with-token")));
    s.failure = kExitUsage;
    return s;
  } else {
    line = ask_hidden(prompt);
  }
  if (!line && !may_be_empty) {
    s.failure = Error(ErrorCode::invalid_input, about(N_("no {} given"), what));
    return s;
  }
  s.value = line.value_or("");
  const auto first = s.value.find_first_not_of(" \t");
  s.value = first == std::string::npos ? std::string() : s.value.substr(first);
  while (!s.value.empty() && (s.value.back() == ' ' || s.value.back() == '\t')) s.value.pop_back();
  if (s.value.empty() && !may_be_empty) {
    s.failure = Error(ErrorCode::invalid_input, about(N_("the {} is empty"), what));
    return s;
  }
  for (char c : s.value)
    if (static_cast<unsigned char>(c) < 0x21 || c == '\x7f') {
      s.failure = Error(ErrorCode::invalid_input,
                        about(N_("the {} holds a space or a control character"), what));
      return s;
    }
  s.ok = true;
  return s;
}

}  // namespace sne::cli
