// The nouns of the program, each in its own file (numero.cpp, siret.cpp...), and the helpers
// they share to declare their verbs.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <sne/json.hpp>

#include "context.hpp"

namespace sne::cli {

/// Registers one noun and its verbs under `root`.
using SetupNoun = void (*)(CLI::App& root, Context& ctx);

void setup_account(CLI::App& root, Context& ctx);
void setup_auth(CLI::App& root, Context& ctx);
void setup_bulk(CLI::App& root, Context& ctx);
void setup_calendar(CLI::App& root, Context& ctx);
void setup_completion(CLI::App& root, Context& ctx);
void setup_config(CLI::App& root, Context& ctx);
void setup_doctor(CLI::App& root, Context& ctx);
void setup_dossier(CLI::App& root, Context& ctx);
void setup_fiche(CLI::App& root, Context& ctx);
void setup_numero(CLI::App& root, Context& ctx);
void setup_piece(CLI::App& root, Context& ctx);
void setup_pli(CLI::App& root, Context& ctx);
void setup_sandbox(CLI::App& root, Context& ctx);
void setup_siret(CLI::App& root, Context& ctx);
void setup_ticket(CLI::App& root, Context& ctx);

/// Adds the noun `name` under `root`: a command that only groups verbs, so it requires one.
CLI::App* add_noun(CLI::App& root, const std::string& name, const std::string& description);

/// Makes `verb` hand its work to main() once the whole command line is parsed: then
/// run(options, ctx) is called once.
template <class Options, class Run>
void on_parsed(CLI::App& verb, Context& ctx, std::shared_ptr<Options> options, Run run) {
  verb.callback(
      [&ctx, options, run] { ctx.command = [&ctx, options, run] { return run(*options, ctx); }; });
}

/// The outcome of checking one input: its fields when valid (merged after "input" and
/// "valid" in JSON) with a one-line human summary, or the error.
struct CheckOutcome {
  Result<Json> fields;
  std::string summary;
};

/// Checks every input of `args` (see expand_stdin), prints one row or JSON object per input,
/// and returns 0 when all are valid, 6 when any is not.
CommandResult check_each(const std::vector<std::string>& args, Context& ctx,
                         const std::function<CheckOutcome(const std::string&)>& check);

/// Adds the verb `check` to `noun`: its positional ARGUMENT... (at least one; '-' reads lines
/// from stdin) goes through check_each with `check`.
void add_check_verb(CLI::App& noun, Context& ctx, const std::string& description,
                    const std::string& argument, CheckOutcome (*check)(const std::string&));

/// The items of `args`, where "-" stands for the lines of standard input (blank lines
/// skipped, CRLF endings and a UTF-8 byte order mark before the first line removed), so that
/// long lists, Excel's CSV exports included, can be piped in.
std::vector<std::string> expand_stdin(const std::vector<std::string>& args);

/// expand_stdin() one item at a time, nothing at the end: standard input is read as the items
/// are asked for, so that a list of 100,000 paths is never held whole. `args` must outlive it.
std::function<std::optional<std::string>()> stream_stdin(const std::vector<std::string>& args);

}  // namespace sne::cli
