#include "confirm.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "i18n.hpp"

namespace sne::cli {

Answer confirm(std::string_view question) {
  if (::isatty(STDIN_FILENO) == 0 || ::isatty(STDERR_FILENO) == 0) return Answer::no_terminal;
  (void)std::fflush(stdout);
  // TRANSLATORS: after a question; "y", "yes", "o" and "oui" say yes in every language.
  fmt::print(stderr, "{} {} ", question, _("[y/N]"));
  (void)std::fflush(stderr);
  std::string line;
  if (!std::getline(std::cin, line)) {
    fmt::print(stderr, "\n");
    return Answer::no;
  }
  std::transform(line.begin(), line.end(), line.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())) != 0)
    line.pop_back();
  constexpr std::array kYes{"y", "yes", "o", "oui"};
  return std::find(kYes.begin(), kYes.end(), line) != kYes.end() ? Answer::yes : Answer::no;
}

}  // namespace sne::cli
