#include "app.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <sne/catalog.hpp>
#include <sne/json.hpp>
#include <sne/version.hpp>

#include "commands.hpp"

namespace sne::cli {

namespace {

// The nouns, in the order `sne --help` lists them.
constexpr std::array kNouns{
    &setup_account, &setup_auth,   &setup_bulk,    &setup_calendar, &setup_completion,
    &setup_config,  &setup_doctor, &setup_dossier, &setup_fiche,    &setup_numero,
    &setup_piece,   &setup_pli,    &setup_sandbox, &setup_siret,    &setup_ticket,
};

std::string version_text() {
  return fmt::format("sne {}\nlibsne {}, catalog {}", SNE_CLI_VERSION, sne::version(),
                     Catalog::builtin().version());
}

/// The deepest command the parser reached ("sne numero check").
const CLI::App& deepest(const CLI::App& app) {
  const CLI::App* at = &app;
  for (auto subs = at->get_subcommands(); !subs.empty(); subs = at->get_subcommands())
    at = subs.front();
  return *at;
}

std::string command_path(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* at = app.get_parent(); at != nullptr; at = at->get_parent())
    path.insert(0, at->get_name() + " ");
  return path;
}

/// Edits (insertions, deletions, substitutions, swaps of two neighbours) from `a` to `b`: the
/// optimal string alignment distance, over bytes.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

/// The one candidate closest to `word`, if it is close: at most 2 edits, fewer than the word
/// has letters, and no other candidate as close ("lsit" gives "list"; "x" gives nothing).
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::min<std::size_t>(3, word.size());
  bool tie = false;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
      tie = false;
    } else if (distance == best_distance && best) {
      tie = true;
    }
  }
  if (tie) return std::nullopt;
  return best;
}

/// "did you mean ...?" for an argument the parser could not place at `at`: a verb (or noun) of
/// `at`, or a long option of `at` or of a command above it.
std::optional<std::string> did_you_mean(const CLI::App& at, const std::string& word) {
  std::vector<std::string> candidates;
  if (word.rfind("--", 0) == 0) {
    for (const CLI::App* app = &at; app != nullptr; app = app->get_parent())
      for (const CLI::Option* option : app->get_options())
        for (const std::string& name : option->get_lnames()) candidates.push_back("--" + name);
    auto found = closest(word.substr(0, word.find('=')), candidates);
    if (!found) return std::nullopt;
    return fmt::format("did you mean {}? (see '{} --help')", *found, command_path(at));
  }
  if (word.empty() || word[0] == '-') return std::nullopt;
  for (const CLI::App* sub : at.get_subcommands([](const CLI::App*) { return true; }))
    candidates.push_back(sub->get_name());
  auto found = closest(word, candidates);
  if (!found) return std::nullopt;
  return fmt::format("did you mean '{} {}'?", command_path(at), *found);
}

/// Prints a parse failure. Arguments the parser could not place are named first: they are
/// the likelier cause ("sne --bogus" complains of the missing subcommand otherwise), with the
/// verb, noun or option they may be a typo of. A command without its verb shows its help,
/// which lists the verbs.
void report_usage_error(const CLI::App& app, const CLI::ParseError& e, const Output& out) {
  const CLI::App& at = deepest(app);
  std::string message = e.what();
  std::string hint = fmt::format("see '{} --help'", command_path(at));
  const auto extras = app.remaining(true);
  if (!extras.empty()) {
    message = fmt::format("unexpected argument{} {}", extras.size() == 1 ? "" : "s",
                          fmt::join(extras, " "));
    if (auto suggestion = did_you_mean(at, extras.front())) hint = *suggestion;
  } else if (message == "A subcommand is required" && !out.json()) {
    // help(prev) prints "Usage: PREV NAME": the words above this command, none for sne itself.
    const std::string path = command_path(at);
    const auto space = path.rfind(' ');
    fmt::print(stderr, "{}\n", at.help(space == std::string::npos ? "" : path.substr(0, space)));
  }
  out.usage_error(message, hint);
}

/// CLI11 shows a command's own options only: remind every noun and verb of the global ones.
void add_footers(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->footer(
        "Global options: --json, -v/--verbose, -q/--quiet, --debug, --config FILE, --profile "
        "PROFILE, "
        "--endpoint URL, --cacert FILE (see 'sne --help' and 'man sne').");
    add_footers(*sub);
  }
}

bool argv_has(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) return false;
    if (std::strcmp(argv[i], flag) == 0) return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<CLI::App> build_app(Context& ctx) {
  auto app = std::make_unique<CLI::App>(
      "Pièces justificatives, plis and fiches de transmission of the SNE, from the command line.",
      "sne");
  app->fallthrough();  // global options are accepted after the noun and the verb too
  app->require_subcommand(1);
  // Written when asked: the catalog's version means parsing the catalog, which no other command
  // of a light start (numero, siret, calendar) needs.
  app->set_version_flag("--version", std::function<std::string()>(version_text),
                        "Print the version and exit");
  app->add_flag("--json", ctx.global.json, "Print one JSON document on stdout");
  auto* verbose = app->add_flag("-v,--verbose", ctx.global.verbose,
                                "Say more on stderr (where settings come from)");
  app->add_flag("-q,--quiet", ctx.global.quiet,
                "Print no notes on stderr (the embedded sandbox's included): errors only")
      ->excludes(verbose);
  app->add_flag("--debug", ctx.global.debug, "Say everything on stderr, secrets redacted");
  app->add_option(
         "--config", ctx.global.config_file,
         "Configuration file (default: $SNE_CONFIG, else $XDG_CONFIG_HOME/sne/config.toml)")
      ->type_name("FILE");
  app->add_option("--profile", ctx.global.profile,
                  "Profile of the configuration file (default: $SNE_PROFILE, else the file's)")
      ->type_name("PROFILE");
  app->add_option("--endpoint", ctx.global.endpoint,
                  "Web service: sandbox, sandbox:PATH, http(s)://HOST (default: $SNE_ENDPOINT, "
                  "else the profile's, else the embedded sandbox)")
      ->type_name("URL");
  app->add_option("--cacert", ctx.global.cacert,
                  "Extra CA bundle (PEM) to trust for an https endpoint")
      ->type_name("FILE");
  for (SetupNoun setup : kNouns) setup(*app, ctx);
  add_footers(*app);
  return app;
}

int run(int argc, char** argv) {
  Context ctx;
  auto app = build_app(ctx);
  // `sne help [NOUN [VERB]]` is `sne [NOUN [VERB]] --help`, as git and gh take it.
  std::vector<char*> args(argv, argv + argc);
  static char help_flag[] = "--help";
  if (argc >= 2 && std::strcmp(argv[1], "help") == 0) {
    args.erase(args.begin() + 1);
    // Each word names a command of the one before it; a typo is a usage error, not sne's help.
    const CLI::App* at = app.get();
    for (std::size_t i = 1; i < args.size() && args[i][0] != '-'; ++i) {
      const CLI::App* sub = nullptr;
      for (const CLI::App* candidate : at->get_subcommands([](const CLI::App*) { return true; }))
        if (candidate->get_name() == args[i]) sub = candidate;
      if (sub == nullptr) {
        ctx.global.json = argv_has(argc, argv, "--json");
        ctx.start_output();
        auto hint = did_you_mean(*at, args[i]);
        ctx.out().usage_error(fmt::format("no command '{} {}'", command_path(*at), args[i]),
                              hint ? *hint : fmt::format("see '{} --help'", command_path(*at)));
        return kExitUsage;
      }
      at = sub;
    }
    args.push_back(help_flag);
  }
  try {
    app->parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::Success& e) {  // --help, --version
    // --version --json: the versions as data, whichever came first on the line.
    const int n = static_cast<int>(args.size());
    if (argv_has(n, args.data(), "--version") && argv_has(n, args.data(), "--json") &&
        !argv_has(n, args.data(), "--help") && !argv_has(n, args.data(), "-h")) {
      ctx.global.json = true;
      ctx.start_output();
      ctx.out().print(Json::object()
                          .set("sne", Json(SNE_CLI_VERSION))
                          .set("libsne", Json(std::string(sne::version())))
                          .set("catalog", Json(Catalog::builtin().version())));
      return kExitOk;
    }
    return app->exit(e);
  } catch (const CLI::ParseError& e) {
    ctx.global.json =
        ctx.global.json || argv_has(static_cast<int>(args.size()), args.data(), "--json");
    ctx.start_output();
    report_usage_error(*app, e, ctx.out());
    return kExitUsage;
  }
  ctx.start_output();
  CommandResult result = Error(ErrorCode::internal, "no command ran");
  try {
    result = ctx.command();
  } catch (const std::exception& e) {
    result = Error(ErrorCode::internal, fmt::format("unexpected failure: {}", e.what()));
  }
  if (!result) {
    ctx.out().error(result.error());
    return exit_code_for(result.error());
  }
  return *result;
}

}  // namespace sne::cli
