// The sne program: its command tree and its one entry point.
#pragma once

#include <memory>

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace sne::cli {

/// The whole command tree, its verbs bound to `ctx`. Also used by the tests that check that
/// man pages and completions match the program.
std::unique_ptr<CLI::App> build_app(Context& ctx);

/// Parses the command line, runs the command, prints any error, returns the exit code.
int run(int argc, char** argv);

}  // namespace sne::cli
