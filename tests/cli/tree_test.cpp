// The documentation and the completions cannot drift from the program: every noun, verb and
// option of the real command tree must be in the man pages, and the completion scripts in
// completions/ must be what `sne completion SHELL` prints.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "app.hpp"
#include "completion.hpp"

using namespace sne::cli;

namespace {

// The source tree comes from the environment (ctest sets it), not from a compile definition, so
// that the object file does not depend on where the clone is and ccache can share it.
std::string read(const std::string& relative) {
  const char* root = std::getenv("SNE_SOURCE_DIR");
  REQUIRE_MESSAGE(root != nullptr, "SNE_SOURCE_DIR is not set (ctest sets it)");
  std::ifstream in(std::string(root) + "/" + relative);
  REQUIRE_MESSAGE(in.good(), "missing " << relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The man page as plain words: roff's \- becomes -, font escapes vanish.
std::string plain_roff(std::string text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char n = text[i + 1];
      if (n == '-') {
        out += '-';
        ++i;
        continue;
      }
      if (n == 'f' && i + 2 < text.size()) {
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

CommandSpec program() {
  static Context ctx;
  static auto app = build_app(ctx);
  return describe(*app);
}

bool mentions(const std::string& page, const std::string& word) {
  return page.find(word) != std::string::npos;
}

/// `option` ("-d", "--json") stands in `page` as a whole word: "-d" inside "--departement" or
/// "-v" inside "--verbose" does not count.
bool mentions_option(const std::string& page, const std::string& option) {
  auto part_of_word = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  };
  for (auto pos = page.find(option); pos != std::string::npos; pos = page.find(option, pos + 1)) {
    const bool starts = pos == 0 || !part_of_word(page[pos - 1]);
    const std::size_t end = pos + option.size();
    if (starts && (end == page.size() || !part_of_word(page[end]))) return true;
  }
  return false;
}

/// `verb` has its section in the man page of `noun`, ".SS clock" or ".SS clock set" for a verb
/// under a verb, with every option; and so have the verbs under it.
void check_man_verb(const std::string& page, const std::string& noun, const CommandSpec& verb,
                    const std::string& heading) {
  CHECK_MESSAGE(mentions(page, ".SS " + heading + "\n"),
                "sne-" << noun << ".1 lacks verb " << heading);
  for (const auto& option : verb.options)
    for (const auto& name : option.names)
      if (name != "--help" && name != "-h")
        CHECK_MESSAGE(mentions_option(page, name),
                      "sne-" << noun << ".1 lacks " << heading << " " << name);
  for (const auto& sub : verb.subcommands)
    check_man_verb(page, noun, sub, heading + " " + sub.name);
}

/// The completion `script` for `shell` offers `verb`, its options and the verbs under it.
void check_completion_verb(const std::string& script, const std::string& shell,
                           const CommandSpec& verb) {
  CHECK_MESSAGE(mentions(script, verb.path), shell << " lacks " << verb.path);
  for (const auto& option : verb.options)
    for (const auto& name : option.names)
      if (name.rfind("--", 0) == 0)
        CHECK_MESSAGE(mentions(script, shell == "fish" ? "-l " + name.substr(2) : name),
                      shell << " lacks " << verb.path << " " << name);
  for (const auto& sub : verb.subcommands) check_completion_verb(script, shell, sub);
}

}  // namespace

TEST_CASE("man: sne(1) lists every noun, every global option and every exit code") {
  const auto root = program();
  const std::string page = plain_roff(read("man/sne.1"));
  for (const auto& noun : root.subcommands) {
    CHECK_MESSAGE(mentions(page, ".B " + noun.name + "\n"), "sne.1 lacks noun " << noun.name);
    CHECK_MESSAGE(mentions(page, "sne-" + noun.name + " (1)"), "sne.1 lacks sne-" << noun.name);
  }
  for (const auto& option : root.options)
    for (const auto& name : option.names)
      CHECK_MESSAGE(mentions_option(page, name), "sne.1 lacks global option " << name);
  for (const char* code : {"0", "1", "2", "3", "4", "5", "6", "7", "130"})
    CHECK_MESSAGE(mentions(page, std::string(".B ") + code + "\n"),
                  "sne.1 lacks exit code " << code);
}

TEST_CASE("man: each noun has its page, with every verb and option") {
  for (const auto& noun : program().subcommands) {
    const std::string page = plain_roff(read("man/sne-" + noun.name + ".1"));
    CHECK(mentions(page, ".SH NAME\nsne-" + noun.name + " -"));
    for (const auto& verb : noun.subcommands) check_man_verb(page, noun.name, verb, verb.name);
    for (const auto& option : noun.options)
      for (const auto& name : option.names)
        if (name != "--help" && name != "-h")
          CHECK_MESSAGE(mentions_option(page, name), "sne-" << noun.name << ".1 lacks " << name);
  }
}

TEST_CASE("completions: the shipped scripts are what the program generates") {
  const auto root = program();
  CHECK(read("completions/sne.bash") == completion_script(root, "bash") + "\n");
  CHECK(read("completions/_sne") == completion_script(root, "zsh") + "\n");
  CHECK(read("completions/sne.fish") == completion_script(root, "fish") + "\n");
}

TEST_CASE("completions: every noun, verb and option is offered") {
  const auto root = program();
  for (const auto& shell : completion_shells()) {
    const std::string script = completion_script(root, shell);
    for (const auto& noun : root.subcommands) {
      CHECK_MESSAGE(mentions(script, noun.name), shell << " lacks " << noun.name);
      for (const auto& verb : noun.subcommands) check_completion_verb(script, shell, verb);
    }
  }
}
