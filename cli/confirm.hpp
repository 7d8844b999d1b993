// Asking the user to confirm a destructive step, following CLI.md: every prompt has a flag
// (--yes), and nothing is asked unless a person can answer.
#pragma once

#include <string_view>

namespace sne::cli {

enum class Answer {
  yes,          ///< the user typed y, yes, o or oui (any case)
  no,           ///< anything else, or end of input
  no_terminal,  ///< stdin or stderr is not a terminal: nothing was asked
};

/// Asks `question` (followed by " [y/N] ") on stderr and reads one line of stdin, only when
/// both stdin and stderr are terminals.
Answer confirm(std::string_view question);

}  // namespace sne::cli
