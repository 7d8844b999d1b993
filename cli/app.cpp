#include "app.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/args.h>
#include <fmt/format.h>

#include <sne/catalog.hpp>
#include <sne/json.hpp>
#include <sne/version.hpp>

#include "commands.hpp"
#include "i18n.hpp"

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
    return tr(N_("did you mean {}? (see '{} --help')"), *found, command_path(at));
  }
  if (word.empty() || word[0] == '-') return std::nullopt;
  for (const CLI::App* sub : at.get_subcommands([](const CLI::App*) { return true; }))
    candidates.push_back(sub->get_name());
  auto found = closest(word, candidates);
  if (!found) return std::nullopt;
  return tr(N_("did you mean '{} {}'?"), command_path(at), *found);
}

/// The messages of CLI11's parse errors (CLI/Error.hpp, CLI/Validators.hpp), as its fixed text
/// and the parts it fills in ({}), in the order they are tried: the more specific first.
constexpr std::array kParseErrors{
    N_("A subcommand is required"),
    N_("Requires at least {} subcommands"),
    N_("Exactly 1 option from [{}] is required"),
    N_("At least 1 option from [{}] is required"),
    N_("The following argument was not expected: {}"),
    N_("The following arguments were not expected: {}"),
    N_("Expected exactly {} arguments to {}, got {}"),
    N_("Expected at least {} arguments to {}, got {}"),
    N_("{}: At least {} required but received {}"),
    N_("{}: At Most {} required but received {}"),
    N_("{} was given a disallowed flag override"),
    N_("Could not convert: {} = {}"),
    N_("The value {} is not an allowed value for {}"),
    N_("{}: too many inputs for a flag"),
    N_("{}: Should be true/false or a number"),
    N_("{}: Value {} not in range {} to {}"),
    N_("{}: Value {} could not be converted"),
    N_("{}: Failed parsing {} as a {}"),
    N_("{}: File does not exist: {}"),
    N_("{}: File is actually a directory: {}"),
    N_("{}: Directory does not exist: {}"),
    N_("{}: Path does not exist: {}"),
    N_("{}: Value must be a positive number"),
    N_("{}: {} not in {}"),
    N_("{}: Too many positional arguments with unlimited expected args"),
    N_("{} was not readable (missing?)"),
    N_("{}: {} required {} missing"),
    N_("{} is required"),
    N_("{} requires {}"),
    N_("{} excludes {}"),
    N_("{} not found"),
};

/// The parts of `text` that fill the {} of `pattern`, if `text` is `pattern` filled in (each
/// part non-empty, found at the first place where the fixed text after it comes).
std::optional<std::vector<std::string>> filled(std::string_view pattern, std::string_view text) {
  std::vector<std::string_view> fixed;
  for (std::size_t at = 0;;) {
    const std::size_t hole = pattern.find("{}", at);
    fixed.push_back(pattern.substr(at, hole == std::string_view::npos ? hole : hole - at));
    if (hole == std::string_view::npos) break;
    at = hole + 2;
  }
  if (text.substr(0, fixed.front().size()) != fixed.front()) return std::nullopt;
  std::size_t at = fixed.front().size();
  std::vector<std::string> parts;
  for (std::size_t i = 1; i < fixed.size(); ++i) {
    const bool last = i + 1 == fixed.size();
    std::size_t end = std::string_view::npos;
    if (last) {
      if (text.size() < at + 1 + fixed[i].size() ||
          text.substr(text.size() - fixed[i].size()) != fixed[i])
        return std::nullopt;
      end = text.size() - fixed[i].size();
    } else {
      end = text.find(fixed[i], at + 1);
      if (end == std::string_view::npos) return std::nullopt;
    }
    parts.emplace_back(text.substr(at, end - at));
    at = end + fixed[i].size();
  }
  if (fixed.size() == 1 && text.size() != at) return std::nullopt;
  return parts;
}

/// `english`, the message of a CLI11 parse error, as it is (the --json usage error keeps it),
/// with its translation remembered for stderr (sne::localized).
std::string localized_parse_error(const std::string& english) {
  // A message the program made itself and threw as a CLI11 error (tr()) has its own
  // translation already: CLI11's patterns would only translate around its English.
  if (localized(english) != english) return english;
  for (const char* pattern : kParseErrors) {
    auto parts = filled(pattern, english);
    if (!parts) continue;
    fmt::dynamic_format_arg_store<fmt::format_context> args;
    for (const std::string& part : *parts) args.push_back(part);
    try {
      const std::string translated = fmt::vformat(translate(pattern), args);
      if (translated != english) remember_localized(english, translated);
    } catch (const fmt::format_error&) {  // a catalogue's bad format string: English stays
    }
    break;
  }
  return english;
}

/// CLI11's own words in help (its labels, the groups of options and commands, the help flag)
/// in the language of messages. The formatter is shared with every command; the option defaults
/// and the help flag are copied into each command made after this.
void translate_help(CLI::App& app) {
  const auto formatter = app.get_formatter();
  // The labels and the names of groups are followed by ':' with no space (CLI11 writes it): a
  // language that puts a space before ':' ends their translation with one.
  // TRANSLATORS: the first word of a command's help: "Usage: sne numero check [OPTIONS]".
  // CLI11 writes ':' right after it: end with a space if your language puts one before ':'.
  formatter->label("Usage", _("Usage"));
  // TRANSLATORS: in "Usage: sne [OPTIONS] SUBCOMMAND", the options; capitals, as a placeholder.
  formatter->label("OPTIONS", _("OPTIONS"));
  // TRANSLATORS: in "Usage: sne [OPTIONS] SUBCOMMAND", the command to give; capitals.
  formatter->label("SUBCOMMAND", _("SUBCOMMAND"));
  formatter->label("SUBCOMMANDS", _("SUBCOMMANDS"));
  // TRANSLATORS: after an option or argument that must be given; capitals.
  formatter->label("REQUIRED", _("REQUIRED"));
  // TRANSLATORS: the heading of a command's arguments (those without a dash), before ':'.
  formatter->label("Positionals", _("Positionals"));
  // TRANSLATORS: "--quiet Excludes: --verbose", before ':'.
  formatter->label("Needs", _("Needs"));
  formatter->label("Excludes", _("Excludes"));
  formatter->label("Env", _("Env"));
  // TRANSLATORS: the kinds of value CLI11 names after an option: capitals, as placeholders.
  formatter->label("TEXT", _("TEXT"));
  formatter->label("INT", _("INT"));
  formatter->label("UINT", _("UINT"));
  formatter->label("FLOAT", _("FLOAT"));
  // TRANSLATORS: the heading of a command's options in its help, before ':'.
  app.option_defaults()->group(_("Options"));
  app.set_help_flag("-h,--help", _("Print this help message and exit"));
}

/// Prints a parse failure. Arguments the parser could not place are named first: they are
/// the likelier cause ("sne --bogus" complains of the missing subcommand otherwise), with the
/// verb, noun or option they may be a typo of. A command without its verb shows its help,
/// which lists the verbs.
void report_usage_error(const CLI::App& app, const CLI::ParseError& e, const Output& out) {
  const CLI::App& at = deepest(app);
  std::string message = localized_parse_error(e.what());
  std::string hint = tr(N_("see '{} --help'"), command_path(at));
  const auto extras = app.remaining(true);
  if (!extras.empty()) {
    message = tr_plural("unexpected argument {}", "unexpected arguments {}", extras.size(),
                        fmt::format("{}", fmt::join(extras, " ")));
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
        _("Global options: --json, -v/--verbose, -q/--quiet, --debug, --config FILE, --profile "
          "PROFILE, "
          "--endpoint URL, --cacert FILE (see 'sne --help' and 'man sne')."));
    // CLI11 gives a command the help flag of its parent before its option defaults: the group
    // of that flag is CLI11's English one.
    if (CLI::Option* help = sub->get_help_ptr(); help != nullptr) help->group(_("Options"));
    // CLI11's default group, not "" (a hidden command) or a group of its own.
    // TRANSLATORS: the heading of the list of a command's commands, before ':'.
    if (sub->get_group() == "Subcommands") sub->group(_("Subcommands"));
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
      _("Pièces justificatives, plis and fiches de transmission of the SNE, from the command "
        "line."),
      "sne");
  translate_help(*app);
  app->fallthrough();  // global options are accepted after the noun and the verb too
  app->require_subcommand(1);
  // Written when asked: the catalog's version means parsing the catalog, which no other command
  // of a light start (numero, siret, calendar) needs.
  app->set_version_flag("--version", std::function<std::string()>(version_text),
                        _("Print the version and exit"));
  app->add_flag("--json", ctx.global.json, _("Print one JSON document on stdout"));
  auto* verbose = app->add_flag("-v,--verbose", ctx.global.verbose,
                                _("Say more on stderr (where settings come from)"));
  app->add_flag("-q,--quiet", ctx.global.quiet,
                _("Print no notes on stderr (the embedded sandbox's included): errors only"))
      ->excludes(verbose);
  app->add_flag("--debug", ctx.global.debug, _("Say everything on stderr, secrets redacted"));
  app->add_option(
         "--config", ctx.global.config_file,
         _("Configuration file (default: $SNE_CONFIG, else $XDG_CONFIG_HOME/sne/config.toml)"))
      ->type_name("FILE");
  app->add_option("--profile", ctx.global.profile,
                  _("Profile of the configuration file (default: $SNE_PROFILE, else the file's)"))
      ->type_name("PROFILE");
  app->add_option("--endpoint", ctx.global.endpoint,
                  _("Web service: sandbox, sandbox:PATH, http(s)://HOST (default: $SNE_ENDPOINT, "
                    "else the profile's, else the embedded sandbox)"))
      ->type_name("URL");
  app->add_option("--cacert", ctx.global.cacert,
                  _("Extra CA bundle (PEM) to trust for an https endpoint"))
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
        ctx.out().usage_error(tr(N_("no command '{} {}'"), command_path(*at), args[i]),
                              hint ? *hint : tr(N_("see '{} --help'"), command_path(*at)));
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
    result = Error(ErrorCode::internal, tr(N_("unexpected failure: {}"), e.what()));
  }
  if (!result) {
    ctx.out().error(result.error());
    return exit_code_for(result.error());
  }
  return *result;
}

}  // namespace sne::cli
