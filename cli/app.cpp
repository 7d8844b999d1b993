#include "app.hpp"

#include <array>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include <sne/catalog.hpp>
#include <sne/version.hpp>

#include "commands.hpp"

namespace sne::cli {

namespace {

// The nouns, in the order `sne --help` lists them.
constexpr std::array kNouns{
    &setup_account, &setup_auth,  &setup_bulk,   &setup_calendar, &setup_completion,
    &setup_dossier, &setup_fiche, &setup_numero, &setup_piece,    &setup_pli,
    &setup_sandbox, &setup_siret, &setup_ticket,
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

/// Prints a parse failure. Arguments the parser could not place are named first: they are
/// the likelier cause ("sne --bogus" complains of the missing subcommand otherwise). A noun
/// without a verb shows its help, which lists the verbs.
void report_usage_error(const CLI::App& app, const CLI::ParseError& e, const Output& out) {
  const CLI::App& at = deepest(app);
  std::string message = e.what();
  const auto extras = app.remaining(true);
  if (!extras.empty()) {
    message = fmt::format("unexpected argument{} {}", extras.size() == 1 ? "" : "s",
                          fmt::join(extras, " "));
  } else if (message == "A subcommand is required" && !out.json()) {
    const std::string path = command_path(at);
    fmt::print(stderr, "{}\n", at.help(path.substr(0, path.rfind(' '))));
  }
  out.usage_error(message, fmt::format("see '{} --help'", command_path(at)));
}

/// CLI11 shows a command's own options only: remind every noun and verb of the global ones.
void add_footers(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->footer(
        "Global options: --json, -v/--verbose, --debug, --config FILE, --profile NAME, "
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
  app->set_version_flag("--version", version_text(), "Print the version and exit");
  app->add_flag("--json", ctx.global.json, "Print one JSON document on stdout");
  app->add_flag("-v,--verbose", ctx.global.verbose,
                "Say more on stderr (where settings come from)");
  app->add_flag("--debug", ctx.global.debug, "Say everything on stderr, secrets redacted");
  app->add_option(
         "--config", ctx.global.config_file,
         "Configuration file (default: $SNE_CONFIG, else $XDG_CONFIG_HOME/sne/config.toml)")
      ->type_name("FILE");
  app->add_option("--profile", ctx.global.profile,
                  "Profile of the configuration file (default: $SNE_PROFILE, else the file's)")
      ->type_name("NAME");
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
  try {
    app->parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, --version
    return app->exit(e);
  } catch (const CLI::ParseError& e) {
    ctx.global.json = ctx.global.json || argv_has(argc, argv, "--json");
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
