// Shell completions generated from the command tree itself, so that they cannot drift from
// the program: `sne completion bash|zsh|fish` prints them, completions/ holds copies that a
// test compares with this output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace sne::cli {

/// One option as completion and documentation see it.
struct OptionSpec {
  std::vector<std::string> names;  ///< "--json", "-v"
  std::string description;
  bool takes_value = false;
  std::string value_name;            ///< "FILE", "DEPT", "NAME"...
  std::vector<std::string> choices;  ///< when the value is one of a fixed set
  /// When the values come from the program at completion time (`sne __complete KIND`): the
  /// kind ("STATUT", "TICKET_STATUS", "CONTEXTE", "PIECE_TYPE", "CATEGORY", "PROFILE", "DEPT"),
  /// which is the option's value name.
  std::string dynamic;
};

/// One command (the program, a noun or a verb).
struct CommandSpec {
  std::string path;  ///< "sne", "sne numero", "sne numero check"
  std::string name;
  std::string description;
  std::vector<OptionSpec> options;       ///< its own options (global ones are on "sne")
  std::vector<std::string> positionals;  ///< names of its positional arguments, in order
  std::vector<std::string> positional_choices;
  std::vector<CommandSpec> subcommands;
};

/// The tree of `app`, help flags included.
CommandSpec describe(const CLI::App& app);

/// The completion script for `shell` ("bash", "zsh" or "fish").
std::string completion_script(const CommandSpec& root, std::string_view shell);

/// The shells completion_script knows.
const std::vector<std::string>& completion_shells();

}  // namespace sne::cli
