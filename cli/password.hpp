// Reading secrets: from the terminal without echo, or from stdin with --password-stdin. Never
// from a flag.
#pragma once

#include <string>

#include "context.hpp"

namespace sne::cli {

/// A password read, or what the command returns instead.
struct Secret {
  bool ok = false;
  std::string value;
  CommandResult failure = kExitOk;  ///< what the command returns when !ok
};
/// The first line of stdin when `from_stdin`, else asked on the terminal without echo (twice
/// when `confirm`). Fails with invalid_input when empty or when the two differ, and with a
/// usage error (printed here, exit 2) when there is no terminal to ask on.
Secret read_password(Context& ctx, bool from_stdin, bool confirm);

/// A token (one word, spaces around it dropped): the next line of stdin when `from_stdin`,
/// else asked on the terminal without echo after `prompt`. An empty one is accepted only when
/// `may_be_empty`; `what` names it in errors ("GLPI user token").
Secret read_token(Context& ctx, bool from_stdin, const char* prompt, std::string_view what,
                  bool may_be_empty);

}  // namespace sne::cli
