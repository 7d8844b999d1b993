#include "output.hpp"

#include "i18n.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include <fmt/format.h>
#include <sne/text.hpp>

namespace sne::cli {

namespace {

bool color_allowed(int fd) {
  if (::isatty(fd) == 0) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

std::string_view escape_of(Style style) {
  switch (style) {
    case Style::bold: return "\x1b[1m";
    case Style::dim: return "\x1b[2m";
    case Style::ok: return "\x1b[32m";
    case Style::bad: return "\x1b[31m";
    case Style::warn: return "\x1b[33m";
    case Style::plain: break;
  }
  return {};
}

/// The members of the "error" object of --json output.
Json error_fields(std::string_view code, std::string_view message, const Error* error) {
  Json e = Json::object();
  e.set("code", code).set("message", message);
  if (error != nullptr) {
    if (!error->subject().empty()) e.set("subject", error->subject());
    if (error->http_status() != 0) e.set("http_status", error->http_status());
    if (!error->request_id().empty()) e.set("request_id", error->request_id());
    if (!error->remote_code().empty()) e.set("remote_code", error->remote_code());
  }
  return e;
}

Json error_object(std::string_view code, std::string_view message, const Error* error) {
  return Json::object().set("error", error_fields(code, message, error));
}

}  // namespace

int exit_code_for(const Error& error) {
  switch (error.code()) {
    case ErrorCode::invalid_input:
    case ErrorCode::conflict: return kExitInvalid;
    case ErrorCode::not_found: return kExitNotFound;
    case ErrorCode::unauthenticated:
    case ErrorCode::forbidden: return kExitAuth;
    case ErrorCode::rate_limited:
    case ErrorCode::network: return kExitTemporary;
    case ErrorCode::server: return error.retryable() ? kExitTemporary : kExitFailure;
    case ErrorCode::cancelled: return kExitInterrupted;
    case ErrorCode::io:
    case ErrorCode::internal: return kExitFailure;
  }
  return kExitFailure;
}

namespace {

/// `english`, a hint that --json output may carry (sne doctor's), as it is, with its translation
/// remembered for the human who reads it (sne::localized).
std::string_view kept(const char* english) {
  const char* translated = translate(english);
  if (std::strcmp(translated, english) != 0) remember_localized(english, translated);
  return english;
}

/// The hints of `sne ticket`: the flags that give what the library found missing or wrong.
std::string_view ticket_hint(const Error& error) {
  // A second ticket about a pli whose first is still open (submit_ticket).
  if (error.code() == ErrorCode::conflict && error.subject() == "pli")
    return kept(
        N_("'sne ticket list --pli TRANSACTION' lists its tickets; --force opens another anyway"));
  if (error.code() != ErrorCode::invalid_input) return "";
  // Only errors that cli/ticket.cpp named by their flag (flagged()): a title that is too
  // long was given, and the library's subject "title" gets no advice to give one.
  if (error.subject() == "--title") return kept(N_("give --title TEXT (or --pli)"));
  if (error.subject() == "--category")
    return kept(N_("give --category NAME ('sne ticket categories' lists them)"));
  return "";
}

}  // namespace

std::string_view hint_for(const Error& error) {
  if (auto hint = ticket_hint(error); !hint.empty()) return hint;
  switch (error.code()) {
    case ErrorCode::unauthenticated:
      // Only when the session is at fault, not the password or an activation token.
      if (error.subject() == "Authorization")
        return kept(N_("sign in with 'sne auth login --email ADDRESS'"));
      if (error.subject() == "glpi_user_token" || error.subject() == "glpi_app_token")
        return kept(
            N_("give GLPI's tokens with 'sne ticket login', or SNE_GLPI_USER_TOKEN and "
               "SNE_GLPI_APP_TOKEN"));
      return "";
    case ErrorCode::network:
      return kept(
          N_("check the endpoint ('sne auth status' shows it) and the network; running again "
             "may work"));
    case ErrorCode::rate_limited: return kept(N_("the service asks to slow down: try again later"));
    case ErrorCode::invalid_input:
      // A piece type the plan de classement lacks (sending, planning a cleanup).
      if (error.subject() == "type") return hint_for_problem("unknown_type");
      // A bulk journal of another manifest, endpoint, shard or version.
      if (error.subject() == "journal") return kept(N_("give another --journal, or none"));
      // sne config: a secret or an unknown key (check_config_key()).
      if (error.subject() == "config_secret")
        return kept(
            N_("tokens go to the credentials store: 'sne auth login' for the SNE, 'sne ticket "
               "login' for GLPI (in scripts: SNE_TOKEN, SNE_GLPI_APP_TOKEN, SNE_GLPI_USER_TOKEN)"));
      if (error.subject() == "config_key")
        return kept(N_("'sne config list' shows the keys, 'man sne-config' what each sets"));
      // No GLPI URL in force (Connection::glpi_url()).
      if (error.subject() == "glpi_url")
        return kept(
            N_("set SNE_GLPI_URL or the profile's glpi_url ('sne config set glpi_url "
               "https://HOST/PATH/apirest.php')"));
      return error.subject() == "cacert"
                 ? kept(N_(
                       "is the endpoint right? A private CA is trusted with --cacert FILE (or the "
                       "profile's cacert key)"))
                 : "";
    case ErrorCode::not_found:
      return error.subject() == "config_unset" ? kept(N_("set it with 'sne config set KEY VALUE'"))
                                               : "";
    case ErrorCode::io:
      return error.subject() == "cacert" ? kept(N_("the CA file is the one given with --cacert "
                                                   "FILE (or the profile's cacert key)"))
                                         : "";
    default:
      return error.retryable() ? kept(N_("the service failed for now: try again later")) : "";
  }
}

std::string_view hint_for_problem(std::string_view code) {
  if (code == "unknown_type") return kept(N_("see 'sne piece types'"));
  return {};
}

Error with_cleanup_advice(const Error& error, std::string_view numero, std::string_view type,
                          std::size_t adding) {
  if (error.code() != ErrorCode::conflict || error.subject() != type) return error;
  // The library's message, then the advice; translated, the library's in its own translation.
  const char* advice = N_("{}: run 'sne dossier clean {} --for {}:{}' first");
  std::string message = fmt::format(fmt::runtime(advice), error.message(), numero, type, adding);
  if (const char* translated = translate(advice); std::strcmp(translated, advice) != 0) {
    try {
      remember_localized(message, fmt::format(fmt::runtime(translated), localized(error.message()),
                                              numero, type, adding));
    } catch (const fmt::format_error&) {  // a catalogue's bad format string: English stays
    }
  }
  Error advised(error.code(), message, error.subject());
  if (error.http_status() != 0) advised.with_http(error.http_status(), error.request_id());
  if (!error.remote_code().empty()) advised.with_remote_code(error.remote_code());
  return advised;
}

Output::Output(bool json, bool quiet)
    : json_(json),
      quiet_(quiet),
      color_(color_allowed(STDOUT_FILENO)),
      stdout_tty_(::isatty(STDOUT_FILENO) != 0) {}

std::string Output::paint(std::string_view text, Style style) const {
  if (!color_ || style == Style::plain || text.empty()) return std::string(text);
  return fmt::format("{}{}\x1b[0m", escape_of(style), text);
}

void Output::line(std::string_view text) const { fmt::print(stdout, "{}\n", text); }

void Output::print(const Json& document) const { fmt::print(stdout, "{}\n", document.dump(2)); }

void Output::print_array(std::size_t size, const std::function<Json(std::size_t)>& item) const {
  print_array_text(size, [&item](std::string& out, std::size_t i) {
    // The item indented one level deeper, as inside Json::dump(2).
    const std::string text = item(i).dump(2);
    std::string_view rest = text;
    for (std::size_t line = rest.find('\n'); line != std::string_view::npos;
         line = rest.find('\n')) {
      out.append(rest.substr(0, line + 1));
      out += "  ";
      rest.remove_prefix(line + 1);
    }
    out.append(rest);
  });
}

void Output::print_array_text(std::size_t size,
                              const std::function<void(std::string&, std::size_t)>& item) const {
  if (size == 0) {
    (void)std::fputs("[]\n", stdout);
    return;
  }
  std::string chunk = "[\n";
  for (std::size_t i = 0; i < size; ++i) {
    chunk += "  ";
    item(chunk, i);
    chunk += i + 1 < size ? ",\n" : "\n]\n";
    if (chunk.size() >= 1 << 16) {
      (void)std::fwrite(chunk.data(), 1, chunk.size(), stdout);
      chunk.clear();
    }
  }
  (void)std::fwrite(chunk.data(), 1, chunk.size(), stdout);
}

namespace {

/// One line of stderr for a human: "sne: error: MESSAGE" in the language of messages, the
/// message as libsne or the program remembered its translation (sne::localized).
void tell(const char* format, std::string_view text) {
  fmt::print(stderr, "{}\n", fmt::format(fmt::runtime(format), one_line(localized(text))));
}

void tell_error(std::string_view message, std::string_view hint) {
  (void)std::fflush(stdout);
  // TRANSLATORS: the first line of every error; keep "sne:" first, as every program does.
  tell(_("sne: error: {}"), message);
  // TRANSLATORS: the line after an error that says what to do.
  if (!hint.empty()) tell(_("hint: {}"), hint);
}

}  // namespace

void Output::note(std::string_view text) const {
  if (quiet_) return;
  tell(_("sne: note: {}"), text);
}

void Output::warning(std::string_view text) const { tell(_("sne: warning: {}"), text); }

// The JSON error object keeps the English message (sne::Error::message()): --json output is
// the same in every language.
void Output::error(const Error& error) const {
  tell_error(error.message(), hint_for(error));
  if (json_) print(error_object(to_string(error.code()), error.message(), &error));
}

void Output::error(const Error& error, Json document) const {
  tell_error(error.message(), hint_for(error));
  if (json_)
    print(document.set("error", error_fields(to_string(error.code()), error.message(), &error)));
}

void Output::usage_error(std::string_view message, std::string_view hint) const {
  tell_error(message, hint);
  if (json_) print(error_object("usage", message, nullptr));
}

void Output::usage_error(std::string_view message, std::string_view hint, Json document) const {
  tell_error(message, hint);
  if (json_) print(document.set("error", error_fields("usage", message, nullptr)));
}

std::string one_line(std::string_view text) { return printable(text, std::string::npos); }

std::string counted(std::size_t n, std::string_view singular, std::string_view plural) {
  if (n == 1) return fmt::format("1 {}", singular);
  if (plural.empty()) return fmt::format("{} {}s", n, singular);
  return fmt::format("{} {}", n, plural);
}

namespace {

/// `digits` (ASCII digits, an optional '-' first) with `separator` between groups of three.
std::string grouped(std::string_view digits, std::string_view separator) {
  std::string out;
  std::size_t first = 0;
  if (!digits.empty() && digits.front() == '-') {
    out += '-';
    first = 1;
  }
  const std::size_t n = digits.size() - first;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out += separator;
    out += digits[first + i];
  }
  return out;
}

bool french_numbers() { return message_language() == "fr"; }

}  // namespace

std::string human_grouped(const std::string& digits) {
  // French writes thousands with a no-break space: "1 234 567".
  return french_numbers() ? grouped(digits, "\xC2\xA0") : digits;
}

std::string human_decimal(double x, int decimals) {
  std::string text = fmt::format("{:.{}f}", x, decimals < 0 ? 0 : decimals);
  if (!french_numbers()) return text;
  // French: "1 234,5" (a decimal comma, thousands grouped).
  const auto point = text.find('.');
  std::string out = grouped(text.substr(0, point), "\xC2\xA0");
  if (point != std::string::npos) out += "," + text.substr(point + 1);
  return out;
}

std::string human_general(double x) {
  std::string text = fmt::format("{:g}", x);
  if (french_numbers()) std::replace(text.begin(), text.end(), '.', ',');
  return text;
}

std::string when_utc(Timestamp t) {
  const std::string iso = format_timestamp(t);
  return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add(std::vector<std::string> cells, std::vector<Style> styles) {
  for (auto& cell : cells) cell = one_line(cell);
  cells.resize(headers_.size());
  styles.resize(headers_.size(), Style::plain);
  rows_.push_back({std::move(cells), std::move(styles)});
}

void Table::print(const Output& out) const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) {
    widths[c] = display_width(headers_[c]);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], display_width(row.cells[c]));
  }
  auto emit = [&](const std::vector<std::string>& cells, const std::vector<Style>& styles) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool last = c + 1 == cells.size();
      line += out.paint(cells[c], styles[c]);
      if (!last) line.append(widths[c] - display_width(cells[c]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.line(line);
  };
  // A table of label/value pairs has no header row: an empty one would print a blank line.
  const bool headed =
      std::any_of(headers_.begin(), headers_.end(), [](const auto& h) { return !h.empty(); });
  if (headed) emit(headers_, std::vector<Style>(headers_.size(), Style::bold));
  for (const auto& row : rows_) emit(row.cells, row.styles);
}

}  // namespace sne::cli
