// The program's voice: stdout for data (human tables or one JSON document), stderr for
// errors and notes, colour only on a terminal. Also the one place where library error codes
// become exit codes.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <sne/error.hpp>
#include <sne/json.hpp>
#include <sne/timestamp.hpp>

namespace sne::cli {

/// Exit codes of `man sne`.
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitUsage = 2,
  kExitPartial = 3,
  kExitAuth = 4,
  kExitTemporary = 5,
  kExitInvalid = 6,
  kExitNotFound = 7,
  kExitInterrupted = 130,
};

/// The exit code for a library error.
int exit_code_for(const Error& error);
/// What to try next after this error, or nothing ("sign in with 'sne auth login'"): with
/// with_cleanup_advice and hint_for_problem, the one place where the library's errors, which
/// name what is wrong, meet the commands and flags of sne. Keyed by code and subject.
std::string_view hint_for(const Error& error);
/// The same for a problem of a piece's inspection, by its code ("unknown_type"), or nothing.
std::string_view hint_for_problem(std::string_view code);
/// A send refused because the category `type` of demande `numero` is full (conflict whose
/// subject is the type), with the cleanup that makes room for `adding` pieces said after the
/// library's message, as the user has always read it; any other error as it is.
Error with_cleanup_advice(const Error& error, std::string_view numero, std::string_view type,
                          std::size_t adding);

enum class Style { plain, bold, dim, ok, bad, warn };

class Output {
 public:
  /// Decides colour from the terminal and NO_COLOR.
  /// `quiet` (--quiet): no notes.
  explicit Output(bool json, bool quiet = false);

  bool json() const noexcept { return json_; }
  bool color() const noexcept { return color_; }
  bool stdout_is_terminal() const noexcept { return stdout_tty_; }

  /// `text` wrapped in the escape codes of `style` when colour is on.
  std::string paint(std::string_view text, Style style) const;

  /// A line of data on stdout.
  void line(std::string_view text) const;
  /// The JSON document on stdout, indented, with a final newline.
  void print(const Json& document) const;
  /// A JSON array of `size` items on stdout, as print() would write it, each item made by
  /// `item(i)` only when written: long lists never stand whole in memory as JSON.
  void print_array(std::size_t size, const std::function<Json(std::size_t)>& item) const;
  /// The same array, each item appended as text by `item(out, i)`: the value's JSON as
  /// Json::dump(2) writes it one level deep (sne::append_json(out, pli, now, 1)), without its
  /// first indentation nor a newline after it. For lists whose items are written without a Json.
  void print_array_text(std::size_t size,
                        const std::function<void(std::string& out, std::size_t)>& item) const;
  /// "sne: note: ..." on stderr (progress, where a setting came from); nothing with --quiet.
  void note(std::string_view text) const;
  /// "sne: warning: ..." on stderr.
  void warning(std::string_view text) const;
  /// "sne: error: ..." on stderr (with the hint_for() line), and with --json the error
  /// object on stdout.
  void error(const Error& error) const;
  /// As error(), but with --json the error object becomes the "error" member of `document`,
  /// printed as the command's one JSON document: for a command that fails after doing part
  /// of its work, and says what it did.
  void error(const Error& error, Json document) const;
  /// A usage error (bad flag, missing argument), with a hint on stderr.
  void usage_error(std::string_view message, std::string_view hint) const;
  /// As usage_error(), with the error set in `document` as error(const Error&, Json) does.
  void usage_error(std::string_view message, std::string_view hint, Json document) const;

 private:
  bool json_;
  bool quiet_;
  bool color_;
  bool stdout_tty_;
};

/// A table of aligned columns for human output. Widths count characters, not bytes. Cells pass
/// through one_line(): untrusted input cannot move the cursor or change colours.
class Table {
 public:
  /// All headers empty: no header row (a table of label/value pairs).
  explicit Table(std::vector<std::string> headers);
  /// `styles` (optional) paints each cell; styles never change the alignment.
  void add(std::vector<std::string> cells, std::vector<Style> styles = {});
  bool empty() const noexcept { return rows_.empty(); }
  void print(const Output& out) const;

 private:
  struct Row {
    std::vector<std::string> cells;
    std::vector<Style> styles;
  };
  std::vector<std::string> headers_;
  std::vector<Row> rows_;
};

/// `text` safe for one line of a terminal: no control character, no escape sequence, valid
/// UTF-8 (see sne::printable), never cut.
std::string one_line(std::string_view text);

/// `n` and a noun agreeing with it in an English message: "1 pli", "0 plis", "2 plis".
/// `plural` defaults to `singular` with an "s". (French labels, where 0 is singular, spell
/// their own agreement.) English only: a translated message counts with P_() or tr_plural()
/// (cli/i18n.hpp) and writes the number with human_number().
std::string counted(std::size_t n, std::string_view singular, std::string_view plural = {});

/// `digits` (an integer written out) for a human, as the language of messages writes numbers:
/// "1234" in English (as sne always wrote them), "1 234" in French (a no-break space between
/// thousands). Never for --json/--csv.
std::string human_grouped(const std::string& digits);
/// `n` for a human in the language of messages (human_grouped: "1 234" in French, "1234" in
/// English). Never for --json/--csv.
template <class Integer>
std::string human_number(Integer n) {
  static_assert(std::is_integral_v<Integer>, "human_number takes an integer");
  return human_grouped(std::to_string(n));
}
/// `x` with `decimals` digits after the point for a human: "3.5" in English, "3,5" in French
/// (a decimal comma, thousands as human_number()). Never for --json/--csv.
std::string human_decimal(double x, int decimals);
/// `x` as {:g} writes it (no trailing zeros: 0.25, 2.5, 3), with the language's decimal mark
/// ("0,25" in French). Never for --json/--csv.
std::string human_general(double x);

/// An instant as the human output of pli and ticket prints it, to the minute, with its zone:
/// "2026-11-22 16:49 UTC".
std::string when_utc(Timestamp t);

/// Characters (code points) in a UTF-8 string, as a terminal shows Latin text.
std::size_t display_width(std::string_view s);

}  // namespace sne::cli
