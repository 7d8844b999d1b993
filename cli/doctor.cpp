// sne doctor: why a setup does not work, one line per check of sne/doctor.hpp, printed as each
// check is made; the exit code is that of the first failure.
#include <string>

#include <fmt/format.h>

#include <sne/doctor.hpp>
#include <sne/sandbox_integrity.hpp>

#include "commands.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

struct DoctorCliOptions {};

/// The hint a user of sne reads: the command that fixes a check, where sne has one, else the
/// library's hint, else hint_for() of the error.
std::string hint_of(const DoctorCheck& check) {
  if (check.status == CheckStatus::failed && check.error) {
    const Error& e = *check.error;
    if (check.name == "token" && e.code() == ErrorCode::unauthenticated)
      return tr(N_("sign in with 'sne auth login --email ADDRESS'"));
    if (check.name == "glpi" && e.code() == ErrorCode::unauthenticated)
      return std::string(hint_for(e));
    if (check.name == "tls" && e.subject() == "cacert") return std::string(hint_for(e));
    if (check.name == "sandbox")
      return tr(
          N_("'sne sandbox reset' makes the demo data anew (move the damaged file away "
             "first to keep it)"));
  }
  if (check.status == CheckStatus::warning && check.name == "token")
    return tr(N_("sign in again with 'sne auth login --email ADDRESS' before it ends"));
  if (!check.hint.empty()) return check.hint;
  return check.error ? std::string(hint_for(*check.error)) : std::string();
}

int exit_code_of(const DoctorCheck& check) {
  return check.status == CheckStatus::failed && check.error ? exit_code_for(*check.error) : kExitOk;
}

void print_line(const Output& out, const DoctorCheck& check) {
  const char* mark = "✓";
  Style style = Style::ok;
  switch (check.status) {
    case CheckStatus::passed: break;
    case CheckStatus::failed:
      mark = "✗";
      style = Style::bad;
      break;
    case CheckStatus::warning:
      mark = "!";
      style = Style::warn;
      break;
    case CheckStatus::skipped:
      mark = "-";
      style = Style::dim;
      break;
  }
  // The check's name is a code (as in --json); its detail and hint in the language of messages.
  std::string line = fmt::format("{} {:<11}  {}", out.paint(mark, style), check.name,
                                 one_line(localized(check.detail)));
  // TRANSLATORS: after the detail of a check that sne doctor did not make.
  if (check.status == CheckStatus::skipped) line += _(" (skipped)");
  if (const std::string hint = hint_of(check);
      !hint.empty() &&
      (check.status == CheckStatus::failed || check.status == CheckStatus::warning))
    // TRANSLATORS: after the detail of a check that failed, what to do.
    line += fmt::format(fmt::runtime(_(" — hint: {}")), one_line(localized(hint)));
  out.line(line);
}

CommandResult run_doctor_command(const DoctorCliOptions& /*unused*/, Context& ctx) {
  DoctorOptions options;
  options.sandbox_integrity = check_sandbox_integrity;
  if (!ctx.out().json())
    options.on_check = [&ctx](const DoctorCheck& check) { print_line(ctx.out(), check); };
  const DoctorReport report = run_doctor(ctx.connection(), options);
  const DoctorCheck* failure = report.first_failure();
  const int code = failure != nullptr ? exit_code_of(*failure) : kExitOk;
  if (ctx.out().json()) {
    Json checks = Json::array();
    std::size_t counts[4] = {0, 0, 0, 0};
    for (const auto& check : report.checks) {
      Json item = to_json(check);
      const std::string hint = hint_of(check);
      item.set("hint", hint.empty() ? Json() : Json(hint));
      item.set("exit_code", exit_code_of(check));
      checks.push(std::move(item));
      ++counts[static_cast<int>(check.status)];
    }
    Json doc = Json::object();
    doc.set("ok", failure == nullptr);
    doc.set("exit_code", code);
    doc.set("first_failure", failure != nullptr ? Json(failure->name) : Json());
    doc.set("passed", counts[static_cast<int>(CheckStatus::passed)]);
    doc.set("failed", counts[static_cast<int>(CheckStatus::failed)]);
    doc.set("warnings", counts[static_cast<int>(CheckStatus::warning)]);
    doc.set("skipped", counts[static_cast<int>(CheckStatus::skipped)]);
    doc.set("checks", std::move(checks));
    ctx.out().print(doc);
    return code;
  }
  std::size_t failed = 0;
  std::size_t warnings = 0;
  for (const auto& check : report.checks) {
    if (check.status == CheckStatus::failed) ++failed;
    if (check.status == CheckStatus::warning) ++warnings;
  }
  if (failure == nullptr)
    ctx.out().line(warnings == 0
                       ? std::string(_("No problem found."))
                       : fmt::format(fmt::runtime(P_("No failure; {} warning.",
                                                     "No failure; {} warnings.", warnings)),
                                     human_number(static_cast<long long>(warnings))));
  else
    ctx.out().line(fmt::format(
        fmt::runtime(P_("{} problem found; the first, {}, gives exit code {}.",
                        "{} problems found; the first, {}, gives exit code {}.", failed)),
        human_number(static_cast<long long>(failed)), failure->name, code));
  return code;
}

}  // namespace

void setup_doctor(CLI::App& root, Context& ctx) {
  auto opts = std::make_shared<DoctorCliOptions>();
  auto* noun = root.add_subcommand(
      "doctor",
      _("Check the setup: configuration, endpoint (DNS, TCP, TLS, service), clock, credentials, "
        "session, GLPI, sandbox, catalog"));
  on_parsed(*noun, ctx, opts, run_doctor_command);
}

}  // namespace sne::cli
