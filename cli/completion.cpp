// sne completion bash|zsh|fish, and the generator behind it.
#include "completion.hpp"

#include <unistd.h>

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include <sne/catalog.hpp>
#include <sne/config.hpp>
#include <sne/contexte.hpp>
#include <sne/glpi.hpp>
#include <sne/statut.hpp>
#include <sne/territoire.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

const std::vector<std::string> kShells{"bash", "zsh", "fish"};

/// The value names whose values the program lists at completion time, from what is in force
/// where the shell runs (the catalog and profiles of its configuration, its GLPI), so that the
/// scripts hold no list that could go stale.
const std::vector<std::string> kDynamicKinds{"STATUT",   "TICKET_STATUS", "CONTEXTE", "PIECE_TYPE",
                                             "CATEGORY", "PROFILE",       "DEPT"};

/// The hidden command the scripts call: `sne __complete KIND`.
constexpr const char* kCompleteCommand = "__complete";

/// The values of `kind`, one per line; an empty list when they cannot be had (no GLPI
/// configured, a configuration that does not parse): completion offers nothing rather than
/// printing an error into the user's command line.
std::vector<std::string> dynamic_values(const std::string& kind, Context& ctx) {
  std::vector<std::string> out;
  if (kind == "STATUT") {
    for (const auto& s : statuts()) out.emplace_back(s.code);
  } else if (kind == "TICKET_STATUS") {
    out = {"all", "open", "old"};
    for (int s = static_cast<int>(TicketStatus::incoming);
         s <= static_cast<int>(TicketStatus::closed); ++s)
      out.emplace_back(to_string(static_cast<TicketStatus>(s)));
  } else if (kind == "CONTEXTE") {
    for (const auto& c : contextes()) out.emplace_back(c.slug);
  } else if (kind == "DEPT") {
    for (const auto& t : territoires()) out.emplace_back(t.code);
  } else if (kind == "PIECE_TYPE") {
    if (auto catalog = ctx.catalog({}))
      for (const auto& r : (*catalog)->rubriques())
        for (const auto& t : r.types) out.push_back(t.code);
  } else if (kind == "PROFILE") {
    auto paths = ctx.paths();
    if (!paths) return out;
    const std::string file =
        ctx.global.config_file.empty() ? (*paths)->config_file : ctx.global.config_file;
    if (auto config = Config::load(file, false)) out = config->profile_names();
  } else if (kind == "CATEGORY") {
    if (auto glpi = ctx.glpi())
      if (auto categories = (*glpi)->categories())
        for (const auto& c : *categories) out.push_back(c.name);
  }
  return out;
}

/// "TEXT:{bash,zsh,fish}" → {"bash", "zsh", "fish"}: CLI11 appends a set validator's
/// description to the type name.
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> out;
  const auto open = type_name.find(":{");
  if (open == std::string::npos || type_name.back() != '}') return out;
  std::string item;
  for (char c : type_name.substr(open + 2, type_name.size() - open - 3)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  if (!item.empty()) out.push_back(item);
  return out;
}

std::string base_type(const std::string& type_name) {
  return type_name.substr(0, type_name.find(':'));
}

void walk(const CLI::App& app, const std::string& parent, std::vector<CommandSpec>& into) {
  CommandSpec spec;
  spec.name = app.get_name();
  spec.path = parent.empty() ? spec.name : parent + " " + spec.name;
  spec.description = app.get_description();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_positional() && !opt->nonpositional()) {
      spec.positionals.push_back(opt->get_name(true, false));
      const auto choices = choices_of(opt->get_type_name());
      spec.positional_choices.insert(spec.positional_choices.end(), choices.begin(), choices.end());
      continue;
    }
    OptionSpec o;
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    o.description = opt->get_description();
    o.takes_value = opt->get_expected_min() > 0;
    if (o.takes_value) {
      o.value_name = base_type(opt->get_type_name());
      o.choices = choices_of(opt->get_type_name());
      if (std::find(kDynamicKinds.begin(), kDynamicKinds.end(), o.value_name) !=
          kDynamicKinds.end())
        o.dynamic = o.value_name;
    }
    spec.options.push_back(std::move(o));
  }
  auto* mutable_app = const_cast<CLI::App*>(&app);  // get_subcommands(filter) is not const
  for (const CLI::App* sub : mutable_app->get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() != kCompleteCommand) walk(*sub, spec.path, spec.subcommands);
  into.push_back(std::move(spec));
}

void each_command(const CommandSpec& c, const std::function<void(const CommandSpec&)>& f) {
  f(c);
  for (const auto& s : c.subcommands) each_command(s, f);
}

/// Inside single quotes for bash and zsh.
std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Inside single quotes for fish.
std::string fish_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

bool is_file_value(const OptionSpec& o) {
  return o.value_name == "FILE" || o.value_name == "DIR" || o.value_name == "PATH";
}

/// The word-walking loop shared by bash and zsh: it follows nouns and verbs into `at` and
/// skips the values of options that take one.
std::string sh_walk(const CommandSpec& root, const char* first_index, const char* word_array) {
  std::string out;
  out += fmt::format("  local at={} w skip=0 i\n", sh_quote(root.path));
  out += fmt::format("  for ((i = {}; i < cword; i++)); do\n", first_index);
  out += fmt::format("    w=\"${{{}[i]}}\"\n", word_array);
  out += "    if ((skip)); then skip=0; continue; fi\n";
  out += "    case \"$at:$w\" in\n";
  // Options taking a value, global ones first: they are valid at every level.
  std::vector<std::string> global_valued;
  for (const auto& o : root.options)
    if (o.takes_value)
      for (const auto& n : o.names) global_valued.push_back("*:" + n);
  if (!global_valued.empty())
    out += fmt::format("      {}) skip=1 ;;\n", fmt::join(global_valued, "|"));
  each_command(root, [&](const CommandSpec& c) {
    if (&c == &root) return;
    std::vector<std::string> valued;
    for (const auto& o : c.options)
      if (o.takes_value)
        for (const auto& n : o.names) valued.push_back(sh_quote(c.path + ":" + n));
    if (!valued.empty()) out += fmt::format("      {}) skip=1 ;;\n", fmt::join(valued, "|"));
  });
  each_command(root, [&](const CommandSpec& c) {
    std::vector<std::string> children;
    for (const auto& s : c.subcommands) children.push_back(sh_quote(c.path + ":" + s.name));
    if (!children.empty())
      out += fmt::format("      {}) at=\"$at $w\" ;;\n", fmt::join(children, "|"));
  });
  out += "    esac\n  done\n";
  return out;
}

std::vector<std::string> option_names(const std::vector<OptionSpec>& options) {
  std::vector<std::string> out;
  for (const auto& o : options)
    for (const auto& n : o.names)
      if (n.rfind("--", 0) == 0) out.push_back(n);
  return out;
}

/// The `case "$at:$prev" in` arms shared by bash and zsh: for each option that takes a value,
/// its case pattern (global options match at every level) and what to offer, as `action`
/// writes it for the option.
std::string sh_value_cases(const CommandSpec& root,
                           const std::function<std::string(const OptionSpec&)>& action) {
  std::string out = "  case \"$at:$prev\" in\n";
  each_command(root, [&](const CommandSpec& c) {
    for (const auto& o : c.options) {
      if (!o.takes_value) continue;
      for (const auto& n : o.names) {
        const std::string pattern = &c == &root ? "*:" + n : sh_quote(c.path + ":" + n);
        out += fmt::format("    {}) {}; return ;;\n", pattern, action(o));
      }
    }
  });
  return out + "  esac\n";
}

std::string bash_script(const CommandSpec& root) {
  std::string out =
      "# bash completion for sne. Generated by `sne completion bash`: do not edit.\n"
      "# Install: sne completion bash > ~/.local/share/bash-completion/completions/sne\n"
      "_sne() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  local cword=$COMP_CWORD\n";
  out += sh_walk(root, "1", "COMP_WORDS");
  out += sh_value_cases(root, [](const OptionSpec& o) -> std::string {
    if (!o.dynamic.empty())
      return fmt::format(
          "local IFS=$'\\n'; COMPREPLY=($(compgen -W \"$(sne {} {} 2>/dev/null)\" -- \"$cur\"))",
          kCompleteCommand, o.dynamic);
    if (!o.choices.empty())
      return fmt::format("COMPREPLY=($(compgen -W {} -- \"$cur\"))",
                         sh_quote(fmt::format("{}", fmt::join(o.choices, " "))));
    if (is_file_value(o))
      return "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))";
    return "COMPREPLY=()";
  });
  out += fmt::format("  local globals={}\n",
                     sh_quote(fmt::format("{}", fmt::join(option_names(root.options), " "))));
  out += "  local words=\"\"\n  case \"$at\" in\n";
  each_command(root, [&](const CommandSpec& c) {
    std::vector<std::string> words;
    for (const auto& s : c.subcommands) words.push_back(s.name);
    words.insert(words.end(), c.positional_choices.begin(), c.positional_choices.end());
    if (&c != &root)
      for (const auto& n : option_names(c.options)) words.push_back(n);
    out += fmt::format("    {}) words={} ;;\n", sh_quote(c.path),
                       sh_quote(fmt::format("{}", fmt::join(words, " "))));
  });
  out += "  esac\n";
  out += "  if [[ \"$cur\" == -* ]]; then words=\"$words $globals\"; fi\n";
  out += "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n";
  out += "}\ncomplete -F _sne sne\n";
  return out;
}

std::string zsh_describe_item(const std::string& name, const std::string& description) {
  std::string n;
  for (char c : name) n += c == ':' ? std::string("\\:") : std::string(1, c);
  return sh_quote(n + ":" + description);
}

std::string zsh_script(const CommandSpec& root) {
  std::string out =
      "#compdef sne\n"
      "# zsh completion for sne. Generated by `sne completion zsh`: do not edit.\n"
      "# Install: sne completion zsh > \"${fpath[1]}/_sne\"\n"
      "_sne() {\n"
      "  local cur=\"${words[CURRENT]}\" prev=\"${words[CURRENT-1]}\"\n"
      "  local cword=$CURRENT\n";
  out += sh_walk(root, "2", "words");
  out += sh_value_cases(root, [](const OptionSpec& o) -> std::string {
    if (!o.dynamic.empty())
      return fmt::format("compadd -- ${{(f)\"$(sne {} {} 2>/dev/null)\"}}", kCompleteCommand,
                         o.dynamic);
    if (!o.choices.empty()) return fmt::format("compadd -- {}", fmt::join(o.choices, " "));
    if (is_file_value(o)) return "_files";
    return "_message " + sh_quote(o.value_name);
  });
  out += "  local -a items\n";

  std::vector<std::string> globals;
  for (const auto& o : root.options)
    for (const auto& n : o.names)
      if (n.rfind("--", 0) == 0) globals.push_back(zsh_describe_item(n, o.description));
  out += "  case \"$at\" in\n";
  each_command(root, [&](const CommandSpec& c) {
    std::vector<std::string> items;
    for (const auto& s : c.subcommands) items.push_back(zsh_describe_item(s.name, s.description));
    for (const auto& p : c.positional_choices) items.push_back(zsh_describe_item(p, p));
    if (&c != &root)
      for (const auto& o : c.options)
        for (const auto& n : o.names)
          if (n.rfind("--", 0) == 0) items.push_back(zsh_describe_item(n, o.description));
    out += fmt::format("    {}) items=({}) ;;\n", sh_quote(c.path), fmt::join(items, " "));
  });
  out += "  esac\n";
  out += fmt::format("  if [[ \"$cur\" == -* ]]; then items+=({}); fi\n", fmt::join(globals, " "));
  out += "  _describe -t commands 'sne' items\n}\n";
  out +=
      "if [[ \"${zsh_eval_context[-1]}\" == loadautofunc ]]; then _sne \"$@\"; else compdef _sne "
      "sne; fi\n";
  return out;
}

std::string fish_script(const CommandSpec& root) {
  std::string out =
      "# fish completion for sne. Generated by `sne completion fish`: do not edit.\n"
      "# Install: sne completion fish > ~/.config/fish/completions/sne.fish\n"
      "function __sne_path\n"
      "    set -l at sne\n"
      "    set -l skip 0\n"
      "    for w in (commandline -opc)[2..-1]\n"
      "        if test $skip = 1\n"
      "            set skip 0\n"
      "            continue\n"
      "        end\n"
      "        switch \"$at:$w\"\n";
  std::vector<std::string> valued;
  for (const auto& o : root.options)
    if (o.takes_value)
      for (const auto& n : o.names) valued.push_back(fish_quote("*:" + n));
  each_command(root, [&](const CommandSpec& c) {
    if (&c == &root) return;
    for (const auto& o : c.options)
      if (o.takes_value)
        for (const auto& n : o.names) valued.push_back(fish_quote(c.path + ":" + n));
  });
  if (!valued.empty())
    out += fmt::format("            case {}\n                set skip 1\n", fmt::join(valued, " "));
  std::vector<std::string> children;
  each_command(root, [&](const CommandSpec& c) {
    for (const auto& s : c.subcommands) children.push_back(fish_quote(c.path + ":" + s.name));
  });
  if (!children.empty())
    out += fmt::format("            case {}\n                set at \"$at $w\"\n",
                       fmt::join(children, " "));
  out += "        end\n    end\n    echo $at\nend\n\ncomplete -c sne -f\n";
  auto option_line = [&](const std::string& condition, const OptionSpec& o) {
    std::string line = "complete -c sne";
    if (!condition.empty()) line += " -n " + fish_quote(condition);
    for (const auto& n : o.names)
      line += n.rfind("--", 0) == 0 ? " -l " + n.substr(2) : " -s " + n.substr(1);
    if (o.takes_value) {
      line += " -r";
      if (!o.dynamic.empty())
        line += " -a " +
                fish_quote(fmt::format("(sne {} {} 2>/dev/null)", kCompleteCommand, o.dynamic));
      else if (!o.choices.empty())
        line += " -a " + fish_quote(fmt::format("{}", fmt::join(o.choices, " ")));
      else if (is_file_value(o))
        line += " -F";
    }
    return line + " -d " + fish_quote(o.description) + "\n";
  };
  for (const auto& o : root.options) out += option_line("", o);
  each_command(root, [&](const CommandSpec& c) {
    const std::string condition = fmt::format("test (__sne_path) = '{}'", c.path);
    for (const auto& s : c.subcommands)
      out += fmt::format("complete -c sne -n {} -a {} -d {}\n", fish_quote(condition), s.name,
                         fish_quote(s.description));
    for (const auto& p : c.positional_choices)
      out += fmt::format("complete -c sne -n {} -a {}\n", fish_quote(condition), p);
    if (&c != &root)
      for (const auto& o : c.options) out += option_line(condition, o);
  });
  return out;
}

struct CompletionOptions {
  std::string shell;
};

struct CompleteOptions {
  std::string kind;
};

}  // namespace

CommandSpec describe(const CLI::App& app) {
  std::vector<CommandSpec> one;
  walk(app, "", one);
  return std::move(one.front());
}

std::string completion_script(const CommandSpec& root, std::string_view shell) {
  if (shell == "bash") return bash_script(root);
  if (shell == "zsh") return zsh_script(root);
  return fish_script(root);
}

const std::vector<std::string>& completion_shells() { return kShells; }

void setup_completion(CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<CompletionOptions>();
  auto* noun = root.add_subcommand("completion",
                                   _("Print the shell completion script for bash, zsh or fish"));
  noun->add_option("SHELL", opts->shell, _("Shell: bash, zsh or fish"))
      ->required()
      ->check(CLI::IsMember(kShells));
  const CLI::App* program = &root;
  on_parsed(*noun, ctx, opts, [program](const CompletionOptions& o, Context& c) -> CommandResult {
    // A shell script is not data: --json is refused rather than ignored.
    if (c.out().json()) {
      c.out().usage_error(tr(N_("sne completion prints a shell script, not JSON")),
                          fmt::format(fmt::runtime(_("drop --json: sne completion {}")), o.shell));
      return kExitUsage;
    }
    c.out().line(completion_script(describe(*program), o.shell));
    return kExitOk;
  });

  // What the scripts call for the values of an option: hidden from help, man pages and the
  // scripts' own lists. It must never keep the shell waiting: an unreachable GLPI is given
  // up after two seconds (SIGALRM ends the process, printing nothing).
  auto values = std::make_shared<CompleteOptions>();
  auto* complete = root.add_subcommand(kCompleteCommand, "");
  complete->group("");
  complete->add_option("KIND", values->kind)->required()->check(CLI::IsMember(kDynamicKinds));
  on_parsed(*complete, ctx, values, [](const CompleteOptions& o, Context& c) -> CommandResult {
    ::alarm(2);
    for (const auto& v : dynamic_values(o.kind, c)) c.out().line(v);
    return kExitOk;
  });
}

}  // namespace sne::cli
