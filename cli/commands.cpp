#include "commands.hpp"

#include <iostream>

#include "i18n.hpp"

namespace sne::cli {

std::vector<std::string> expand_stdin(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  auto next = stream_stdin(args);
  while (auto item = next()) out.push_back(std::move(*item));
  return out;
}

std::function<std::optional<std::string>()> stream_stdin(const std::vector<std::string>& args) {
  return [&args, i = std::size_t{0}, in_stdin = false,
          first = true]() mutable -> std::optional<std::string> {
    for (;;) {
      if (in_stdin) {
        std::string line;
        if (!std::getline(std::cin, line)) {
          in_stdin = false;
          continue;
        }
        // A UTF-8 byte order mark before the first line, as Excel's "CSV UTF-8" export writes,
        // is no part of the value (the manifest readers skip it too).
        if (first && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
        first = false;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") != std::string::npos) return line;
        continue;
      }
      if (i == args.size()) return std::nullopt;
      const std::string& arg = args[i++];
      if (arg != "-") return arg;
      in_stdin = true;
      first = true;
    }
  };
}

CLI::App* add_noun(CLI::App& root, const std::string& name, const std::string& description) {
  CLI::App* noun = root.add_subcommand(name, description);
  noun->require_subcommand(1);
  return noun;
}

void add_check_verb(CLI::App& noun, Context& ctx, const std::string& description,
                    const std::string& argument, CheckOutcome (*check)(const std::string&)) {
  auto inputs = std::make_shared<std::vector<std::string>>();
  auto* verb = noun.add_subcommand("check", description);
  verb->add_option(argument, *inputs, _("Values to check ('-' reads one per line from stdin)"))
      ->required();
  on_parsed(*verb, ctx, inputs, [check](const std::vector<std::string>& args, Context& c) {
    return check_each(args, c, check);
  });
}

CommandResult check_each(const std::vector<std::string>& args, Context& ctx,
                         const std::function<CheckOutcome(const std::string&)>& check) {
  Json results = Json::array();
  // TRANSLATORS: the headers of the table of 'sne numero check' and 'sne siret check'.
  Table table({_("INPUT"), _("VALID"), _("DETAILS")});
  bool all_valid = true;
  for (const auto& input : expand_stdin(args)) {
    CheckOutcome outcome = check(input);
    Json r = Json::object();
    r.set("input", input).set("valid", outcome.fields.ok());
    if (outcome.fields.ok()) {
      for (auto& [key, value] : outcome.fields->members()) r.set(key, value);
      table.add({input, _("yes"), outcome.summary}, {Style::plain, Style::ok});
    } else {
      all_valid = false;
      const Error& e = outcome.fields.error();
      r.set("error", e.message()).set("field", e.subject());
      table.add({input, _("no"), localized(e.message())}, {Style::plain, Style::bad});
    }
    results.push(std::move(r));
  }
  if (ctx.out().json())
    ctx.out().print(results);
  else
    table.print(ctx.out());
  return all_valid ? kExitOk : kExitInvalid;
}

}  // namespace sne::cli
