// sne ticket categories|create|list|show|status|close|watch|comment|attach|login|logout: support
// tickets in GLPI.
//
// GLPI's URL comes from SNE_GLPI_URL or the profile's glpi_url, its tokens from
// SNE_GLPI_APP_TOKEN and SNE_GLPI_USER_TOKEN or the credentials store ('sne ticket login'),
// never from a flag. With no configuration, the embedded sandbox's GLPI answers.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include <sne/glpi.hpp>
#include <sne/text.hpp>
#include <sne/tracking.hpp>

#include "commands.hpp"
#include "i18n.hpp"
#include "interrupt.hpp"
#include "password.hpp"

namespace sne::cli {

namespace {

constexpr std::size_t kMaxBody = std::size_t{1} << 20;

/// `prefix` then `message`, a text of libsne: English, and remembered in the language of
/// messages as `prefix` then the message's own translation (as Error::prefixed does).
std::string joined(std::string_view prefix, const std::string& message) {
  std::string english = std::string(prefix) + message;
  if (const std::string translated = localized(message); translated != message)
    remember_localized(english, std::string(prefix) + translated);
  return english;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// Closes the GLPI session at the end of a command; a failure to close is only a note.
void close_session(Glpi& glpi, Context& ctx) {
  if (auto closed = glpi.close(); !closed && ctx.verbose())
    ctx.out().note(fmt::format(fmt::runtime(_("the GLPI session could not be closed: {}")),
                               localized(closed.error().message())));
}

/// Up to `limit` + 1 bytes of `in`: enough to tell that a text is too long without holding
/// all of it (a --body-file of /dev/zero ends).
std::string read_bounded(std::istream& in, std::size_t limit) {
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

/// The text of --body, --body-file, or standard input when neither is given and stdin is not
/// a terminal. Empty when there is none (`required` makes that an error). A --body-file that
/// cannot be opened is said as every command says a missing input file (io, exit 1); errors
/// name the file's flag as `file_flag`.
Result<std::string> read_body(const std::string& body, const std::string& body_file, bool required,
                              std::string_view file_flag = "--body-file") {
  if (!body.empty()) return body;
  std::string text;
  if (!body_file.empty()) {
    std::ifstream in(body_file, std::ios::binary);
    if (!in)
      return Error(ErrorCode::io,
                   fmt::format("{}: {}: {}", file_flag, body_file, std::strerror(errno)),
                   body_file);
    text = read_bounded(in, kMaxBody);
    if (in.bad())
      return Error(ErrorCode::io, tr(N_("{}: {}: cannot be read"), file_flag, body_file),
                   body_file);
  } else if (::isatty(STDIN_FILENO) == 0) {
    text = read_bounded(std::cin, kMaxBody);
  }
  if (text.size() > kMaxBody)
    return Error(ErrorCode::invalid_input, tr(N_("the text is larger than 1 MiB")), "--body");
  if (required && text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error(ErrorCode::invalid_input,
                 tr(N_("no text: give --body TEXT, --body-file FILE, or pipe it on stdin")),
                 "--body");
  return text;
}

// ---- categories ---------------------------------------------------------------------------

CommandResult run_categories(const int&, Context& ctx) {
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  auto all = (*glpi)->categories();
  if (!all) return all.error();
  close_session(**glpi, ctx);
  if (ctx.out().json()) {
    ctx.out().print_array(all->size(), [&](std::size_t i) { return to_json((*all)[i]); });
    return kExitOk;
  }
  Table table({_("ID"), _("CATEGORY")});
  for (const auto& c : *all) table.add({std::to_string(c.id), c.completename});
  table.print(ctx.out());
  return kExitOk;
}

// ---- create -------------------------------------------------------------------------------

struct CreateOptions {
  std::string category, title, body, body_file, pli, type = "incident";
  std::vector<std::string> attach;
  int urgency = 3;
  bool force = false;
};

/// A library error about `field` of the ticket, as the CLI names it: by its flag.
// The library names the field at fault ("title"); the user gave, or forgot, a flag: the error
// names the flag, in its message and as its subject, as every flag error of sne does, and
// output.cpp's hint for that flag follows.
Error flagged(const Error& error, std::initializer_list<std::string_view> fields) {
  for (auto field : fields)
    if (error.code() == ErrorCode::invalid_input && error.subject() == field) {
      const std::string flag = fmt::format("--{}", field);
      Error named(error.code(), error.message(), flag);
      named.prefixed(flag);
      if (error.http_status() != 0) named.with_http(error.http_status(), error.request_id());
      if (!error.remote_code().empty()) named.with_remote_code(error.remote_code());
      return named;
    }
  return error;
}

CommandResult run_create(const CreateOptions& o, Context& ctx) {
  // Everything that can be checked here is checked before anything is created.
  for (const auto& path : o.attach)
    if (auto ok = check_glpi_attachment(path); !ok) return Error(ok.error()).prefixed("--attach");
  auto text = read_body(o.body, o.body_file, o.pli.empty());
  if (!text) return text.error();
  std::optional<TicketDraft> draft;
  if (!o.pli.empty()) {
    auto service = ctx.service();
    if (!service) return service.error();
    auto drafted = ticket_from_pli(**service, o.pli);
    if (!drafted) return drafted.error();
    draft = std::move(*drafted);
  }
  TicketRequest given;
  given.title = o.title;
  given.body = *text;
  given.category = o.category;
  given.type = parse_ticket_type(o.type).value_or(TicketType::incident);
  given.urgency = o.urgency;
  given.pli = o.pli;
  given.attachments = o.attach;
  auto request = complete_ticket(std::move(given), draft ? &*draft : nullptr);
  if (!request) return flagged(request.error(), {"title", "category"});

  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  if (!o.pli.empty() && !o.force)
    if (auto unique = check_pli_duplicate(**glpi, o.pli); !unique) return unique.error();
  auto created = submit_ticket(**glpi, *request);
  if (!created) return flagged(created.error(), {"category", "pli"});
  close_session(**glpi, ctx);
  const AttachReport& files = created->attachments;
  if (ctx.out().json()) {
    ctx.out().print(to_json(*created));
  } else {
    ctx.out().line(fmt::format(fmt::runtime(_("ticket {} created: {} [{}]")), created->id,
                               one_line(created->title), created->category.completename));
    if (files.attached() > 0)
      ctx.out().note(
          fmt::format(fmt::runtime(P_("{} file attached", "{} files attached", files.attached())),
                      human_number(files.attached())));
  }
  if (files.failed() > 0) {
    for (const auto& f : files.files)
      if (f.error) ctx.out().warning(f.error->message());
    ctx.out().note(fmt::format(
        fmt::runtime(P_("ticket {} was created without this file: attach again with 'sne ticket "
                        "attach {} FILE'",
                        "ticket {} was created without these files: attach again with 'sne "
                        "ticket attach {} FILE'",
                        files.failed())),
        created->id, created->id));
    return kExitPartial;
  }
  return kExitOk;
}

// ---- list ---------------------------------------------------------------------------------

struct ListOptions {
  std::size_t limit = 50;
  bool all = false;
  TicketFilter filter;
};

/// A status as the tables print it: GLPI's French label.
Style status_style(TicketStatus status) { return is_open(status) ? Style::plain : Style::dim; }

/// A date of GLPI ("2025-04-18 09:30:00") as pli show prints its instants, to the minute and
/// with the zone. GLPI writes its server's local time and its API does not say which zone that
/// is: only the embedded sandbox's GLPI is known to keep UTC; any other says whose time it is.
std::string glpi_when(const std::string& date, bool utc) {
  if (date.size() != 19 || date[10] != ' ') return one_line(date);
  if (utc)
    if (auto t = parse_timestamp(date.substr(0, 10) + "T" + date.substr(11) + "Z"))
      return when_utc(*t);
  // TRANSLATORS: a date and time as GLPI's server keeps it, in a zone it does not say.
  return fmt::format(fmt::runtime(_("{} GLPI server time")), one_line(date.substr(0, 16)));
}

/// Whether the GLPI in force keeps its dates in UTC: only the embedded sandbox's is known to.
bool glpi_keeps_utc(Context& ctx) {
  const auto url = ctx.glpi_url();
  return url && url->rfind("sandbox:", 0) == 0;
}

CommandResult run_list(const ListOptions& o, Context& ctx) {
  // The filter is checked before GLPI is reached.
  if (auto search = ticket_search(o.filter, 0); !search)
    return flagged(search.error(), {"status", "since", "pli"});
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  auto list = find_tickets(**glpi, o.filter, o.all ? 0 : o.limit);
  if (!list) return flagged(list.error(), {"category"});
  close_session(**glpi, ctx);
  const auto& items = list->items;
  if (ctx.out().json()) {
    ctx.out().print_array(items.size(), [&](std::size_t i) { return to_json(items[i]); });
    return kExitOk;
  }
  if (items.empty()) {
    ctx.out().note(o.filter.pli.empty()
                       ? std::string(_("no ticket"))
                       : fmt::format(fmt::runtime(_("no ticket about pli {}")), o.filter.pli));
    return kExitOk;
  }
  Table table({_("ID"), _("STATUS"), _("UPDATED"), _("CATEGORY"), _("TITLE")});
  const bool utc = glpi_keeps_utc(ctx);
  for (const auto& t : items)
    table.add({std::to_string(t.id), std::string(ticket_status_label(t.status)),
               glpi_when(t.date_mod, utc), t.category, t.title},
              {Style::bold, status_style(t.status), Style::plain, Style::plain, Style::plain});
  table.print(ctx.out());
  if (list->total > items.size()) {
    const std::string of = fmt::format(fmt::runtime(P_("{} ticket", "{} tickets", list->total)),
                                       human_number(list->total));
    ctx.out().note(items.size() == 1
                       ? fmt::format(fmt::runtime(_("the latest of {}: --limit N or --all")), of)
                       // TRANSLATORS: "the 50 latest of 120 tickets": N is never 1 here.
                       : fmt::format(fmt::runtime(_("the {} latest of {}: --limit N or --all")),
                                     human_number(items.size()), of));
  }
  return kExitOk;
}

// ---- show ---------------------------------------------------------------------------------

struct ShowOptions {
  std::int64_t id = 0;
};

CommandResult run_show(const ShowOptions& o, Context& ctx) {
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  auto detail = (*glpi)->ticket(o.id);
  if (!detail) return detail.error();
  close_session(**glpi, ctx);
  const Ticket& t = detail->ticket;
  if (ctx.out().json()) {
    ctx.out().print(to_json(*detail));
    return kExitOk;
  }
  const Output& out = ctx.out();
  const bool utc = glpi_keeps_utc(ctx);
  out.line(fmt::format(fmt::runtime(_("Ticket {} — {}")),
                       out.paint(std::to_string(t.id), Style::bold), one_line(t.title)));
  Table facts({"", ""});
  facts.add({_("Status"), std::string(ticket_status_label(t.status))});
  // TRANSLATORS: a ticket's category when it has none.
  facts.add({_("Category"), t.category.empty() ? std::string(_("(none)")) : t.category});
  facts.add({_("Type"), std::string(to_string(t.type))});
  facts.add({_("Urgency"), std::to_string(t.urgency)});
  facts.add({_("Opened"), glpi_when(t.date, utc)});
  facts.add({_("Updated"), glpi_when(t.date_mod, utc)});
  facts.print(out);
  out.line("");
  for (const auto& line : split_lines(t.text)) out.line(line.empty() ? "" : "  " + one_line(line));
  for (const auto& f : detail->followups) {
    out.line("");
    out.line(out.paint(f.is_private ? fmt::format(fmt::runtime(_("Follow-up {} — {} (private)")),
                                                  f.id, glpi_when(f.date, utc))
                                    : fmt::format(fmt::runtime(_("Follow-up {} — {}")), f.id,
                                                  glpi_when(f.date, utc)),
                       Style::bold));
    for (const auto& line : split_lines(f.text))
      out.line(line.empty() ? "" : "  " + one_line(line));
  }
  if (!detail->documents.empty()) {
    out.line("");
    out.line(out.paint(
        fmt::format(fmt::runtime(_("Documents ({})")), human_number(detail->documents.size())),
        Style::bold));
    Table docs({_("ID"), _("FILE"), _("TYPE")});
    for (const auto& d : detail->documents)
      docs.add({std::to_string(d.id), d.filename.empty() ? d.name : d.filename, d.mime});
    docs.print(out);
  }
  return kExitOk;
}

// ---- status -------------------------------------------------------------------------------

CommandResult run_status(const ShowOptions& o, Context& ctx) {
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  auto t = ticket_summary(**glpi, o.id);
  if (!t) return t.error();
  close_session(**glpi, ctx);
  if (ctx.out().json()) {
    ctx.out().print(to_json(*t));
    return kExitOk;
  }
  const Output& out = ctx.out();
  const bool utc = glpi_keeps_utc(ctx);
  out.line(fmt::format(fmt::runtime(_("ticket {}: {} (updated {})")),
                       out.paint(std::to_string(t->id), Style::bold),
                       out.paint(ticket_status_label(t->status), status_style(t->status)),
                       glpi_when(t->date_mod, utc)));
  return kExitOk;
}

// ---- close --------------------------------------------------------------------------------

struct CloseOptions {
  std::int64_t id = 0;
  std::string solution, solution_file;
};

CommandResult run_close(const CloseOptions& o, Context& ctx) {
  if (o.solution.empty() && o.solution_file.empty()) {
    ctx.out().usage_error(tr(N_("ticket close needs a solution")),
                          _("give --solution TEXT or --solution-file FILE"));
    return kExitUsage;
  }
  std::string text = o.solution;
  if (!o.solution_file.empty()) {
    auto read = read_body("", o.solution_file, false, "--solution-file");
    if (!read) return read.error();
    text = *read;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos)
    return Error(ErrorCode::invalid_input,
                 tr(N_("--solution: no text: give --solution TEXT or --solution-file FILE")),
                 "--solution");
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  auto closed = close_ticket(**glpi, o.id, text);
  if (!closed) return flagged(closed.error(), {"solution"});
  close_session(**glpi, ctx);
  const Ticket& t = closed->ticket;
  if (ctx.out().json()) {
    ctx.out().print(to_json(*closed));
  } else if (t.status == TicketStatus::closed) {
    ctx.out().line(
        closed->solution > 0
            ? fmt::format(fmt::runtime(_("ticket {} closed with solution {}")), t.id,
                          closed->solution)
            : fmt::format(fmt::runtime(_("ticket {} closed (it was solved already)")), t.id));
  } else {
    ctx.out().line(
        fmt::format(fmt::runtime(_("ticket {}: {}")), t.id, ticket_status_label(t.status)));
    ctx.out().note(
        _("GLPI did not let this account approve the solution: the requester closes "
          "it, or GLPI will after its delay"));
  }
  return kExitOk;
}

// ---- watch --------------------------------------------------------------------------------

struct WatchTicketOptions {
  std::int64_t id = 0;
  std::string timeout;
  std::string interval = "30s";
  bool jsonl = false;
};

CommandResult run_watch(const WatchTicketOptions& o, Context& ctx) {
  if (o.jsonl && ctx.out().json()) {
    ctx.out().usage_error(tr(N_("--jsonl and --json cannot be used together")),
                          _("--jsonl streams the changes, --json prints the outcome at the end"));
    return kExitUsage;
  }
  auto polling = watch_polling(o.interval, o.timeout);
  if (!polling)
    return Error(ErrorCode::invalid_input, joined("--", polling.error().message()),
                 "--" + polling.error().subject());
  WatchOptions options = std::move(*polling);
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  InterruptGuard interrupt;
  options.cancelled = [] { return InterruptGuard::interrupted(); };
  const Output& out = ctx.out();
  options.on_retry = [&](const Error& e) {
    if (!out.json() && !o.jsonl)
      out.warning(fmt::format(fmt::runtime(_("{}; trying again")), localized(e.message())));
  };
  const bool utc = glpi_keeps_utc(ctx);
  auto result = watch_ticket(**glpi, o.id, options, [&](const TicketWatchEvent& e) {
    if (o.jsonl) {
      (void)std::fputs((to_json(e).dump(-1) + "\n").c_str(), stdout);
    } else if (!out.json()) {
      out.line(fmt::format(
          "{}  ticket {}  {}{}", glpi_when(e.ticket.date_mod, utc),
          out.paint(std::to_string(e.ticket.id), Style::bold),
          e.previous ? fmt::format("{} → ", ticket_status_label(*e.previous)) : std::string(),
          out.paint(ticket_status_label(e.ticket.status), status_style(e.ticket.status))));
    }
    (void)std::fflush(stdout);
  });
  if (!result) return result.error();
  close_session(**glpi, ctx);
  if (out.json()) out.print(to_json(*result));
  switch (result->outcome) {
    case WatchOutcome::complete:
    case WatchOutcome::rejected: return kExitOk;
    case WatchOutcome::timeout:
      if (!out.json() && !o.jsonl)
        out.note(fmt::format(
            // TRANSLATORS: "ticket 12 still En cours (Attribué) after 1h": GLPI's status label.
            fmt::runtime(_("ticket {} still {} after {}")), o.id,
            ticket_status_label(result->ticket.status),
            format_duration(std::chrono::duration_cast<std::chrono::seconds>(options.timeout))));
      return kExitTemporary;
    case WatchOutcome::cancelled:
      if (!out.json() && !o.jsonl)
        out.note(fmt::format(fmt::runtime(_("interrupted: 'sne ticket watch {}' watches it again")),
                             o.id));
      return kExitInterrupted;
  }
  return kExitFailure;
}

// ---- comment ------------------------------------------------------------------------------

struct CommentOptions {
  std::vector<std::int64_t> ids;
  std::string body, body_file;
};

CommandResult run_comment(const CommentOptions& o, Context& ctx) {
  auto text = read_body(o.body, o.body_file, true);
  if (!text) return text.error();
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  if (o.ids.size() == 1) {
    auto id = (*glpi)->add_followup(o.ids.front(), *text);
    if (!id) return id.error();
    close_session(**glpi, ctx);
    if (ctx.out().json())
      ctx.out().print(to_json(FollowupResult{o.ids.front(), *id, {}}));
    else
      ctx.out().line(
          fmt::format(fmt::runtime(_("follow-up {} added to ticket {}")), *id, o.ids.front()));
    return kExitOk;
  }
  auto results = (*glpi)->add_followups(o.ids, *text);
  if (!results) return results.error();
  close_session(**glpi, ctx);
  std::size_t refused = 0;
  for (const auto& r : *results) refused += r.id <= 0;
  if (ctx.out().json()) {
    ctx.out().print_array(results->size(), [&](std::size_t i) { return to_json((*results)[i]); });
  } else {
    Table table({_("TICKET"), _("FOLLOW-UP"), _("RESULT")});
    for (const auto& r : *results)
      table.add({std::to_string(r.ticket), r.id > 0 ? std::to_string(r.id) : "",
                 r.id > 0 ? std::string(_("added"))
                          : fmt::format(fmt::runtime(_("refused: {}")), localized(r.message))},
                {Style::bold, Style::plain, r.id > 0 ? Style::ok : Style::bad});
    table.print(ctx.out());
  }
  if (refused > 0) {
    ctx.out().note(
        fmt::format(fmt::runtime(P_("GLPI refused {} of {} follow-up",
                                    "GLPI refused {} of {} follow-ups", results->size())),
                    human_number(refused), human_number(results->size())));
    return kExitPartial;
  }
  return kExitOk;
}

// ---- attach -------------------------------------------------------------------------------

struct AttachOptions {
  std::int64_t id = 0;
  std::vector<std::string> files;
};

CommandResult run_attach(const AttachOptions& o, Context& ctx) {
  for (const auto& path : o.files)
    if (auto ok = check_glpi_attachment(path); !ok) return ok.error();
  auto glpi = ctx.glpi();
  if (!glpi) return glpi.error();
  auto report = attach_files(**glpi, o.id, o.files, [&](const AttachOutcome& f) {
    if (ctx.out().json()) return;
    if (f.document)
      ctx.out().line(fmt::format(fmt::runtime(_("{} attached to ticket {} (document {})")),
                                 one_line(f.path), o.id, f.document->id));
    else if (o.files.size() > 1)
      ctx.out().warning(f.error->message());
  });
  if (!report) return report.error();
  close_session(**glpi, ctx);
  if (report->failed() > 0 && report->attached() == 0)
    for (const auto& f : report->files)
      if (f.error) return *f.error;
  if (ctx.out().json()) ctx.out().print(to_json(*report));
  return report->failed() > 0 ? kExitPartial : kExitOk;
}

// ---- login / logout -----------------------------------------------------------------------

struct LoginOptions {
  bool with_token = false;
};

CommandResult run_login(const LoginOptions& o, Context& ctx) {
  auto url = ctx.glpi_url();
  if (!url) return url.error();
  // The prompts are the user's language; the names stay English: they go into errors, which
  // --json prints.
  auto user = read_token(ctx, o.with_token, _("GLPI user token (My settings > API token): "),
                         "GLPI user token", false);
  if (!user.ok) return user.failure;
  auto app = read_token(ctx, o.with_token, _("GLPI App-Token (empty if GLPI asks none): "),
                        "GLPI App-Token", true);
  if (!app.ok) return app.failure;
  auto glpi = ctx.open_glpi_with(*url, app.value, user.value);
  if (!glpi) return glpi.error();
  if (auto checked = check_glpi_credentials(**glpi); !checked) return checked.error();
  auto store = ctx.credentials();
  if (!store) return store.error();
  StoredCredential c;
  c.token = user.value;
  c.app_token = app.value;
  if (auto saved = store->put(Connection::glpi_key(*url), c); !saved) return saved.error();
  if (ctx.out().json())
    ctx.out().print(Json::object().set("glpi_url", *url).set("credentials", store->path()));
  else
    ctx.out().line(fmt::format(fmt::runtime(_("GLPI tokens for {} checked and saved in {}")), *url,
                               store->path()));
  return kExitOk;
}

CommandResult run_logout(const int&, Context& ctx) {
  auto url = ctx.glpi_url();
  if (!url) return url.error();
  auto store = ctx.credentials();
  if (!store) return store.error();
  auto stored = store->get(Connection::glpi_key(*url));
  if (!stored) return stored.error();
  if (auto erased = store->erase(Connection::glpi_key(*url)); !erased) return erased.error();
  if (ctx.out().json())
    ctx.out().print(Json::object().set("glpi_url", *url).set("removed", stored->has_value()));
  else
    ctx.out().line(*stored
                       ? fmt::format(fmt::runtime(_("GLPI tokens for {} removed")), *url)
                       : fmt::format(fmt::runtime(_("no GLPI tokens were stored for {}")), *url));
  return kExitOk;
}

void add_body(CLI::App& verb, std::string& body, std::string& body_file, const char* what) {
  auto* b = verb.add_option("--body", body, what)->type_name("TEXT");
  verb.add_option("--body-file", body_file, _("Read the text from FILE"))
      ->type_name("FILE")
      ->excludes(b);
}

}  // namespace

void setup_ticket(CLI::App& root, Context& ctx) {
  auto* noun =
      add_noun(root, "ticket", _("Support tickets in GLPI: open, follow, comment, attach"));

  auto none = std::make_shared<int>(0);
  auto* categories = noun->add_subcommand("categories", _("List GLPI's ticket categories"));
  on_parsed(*categories, ctx, none, run_categories);

  auto c = std::make_shared<CreateOptions>();
  auto* create = noun->add_subcommand(
      "create",
      _("Open a ticket (text from --body, --body-file or stdin), optionally about a pli"));
  create
      ->add_option("--category", c->category,
                   _("Category, by name or complete name, any case (with --pli: chosen from the "
                     "pli when it is overdue or rejected)"))
      ->type_name("CATEGORY");
  create->add_option("--title", c->title, _("Title (with --pli: made from the pli)"))
      ->type_name("TEXT");
  add_body(*create, c->body, c->body_file, _("The text of the ticket"));
  create->add_option("--attach", c->attach, _("Attach FILE to the ticket (repeatable)"))
      ->type_name("FILE");
  create
      ->add_option("--pli", c->pli,
                   _("Fill title, text and category from this pli (numéro unique, dates, status, "
                     "rejected pieces and reasons)"))
      ->type_name("TRANSACTION");
  create->add_option("--urgency", c->urgency, _("1 (very low) to 5 (very high); default 3"))
      ->type_name("N")
      ->check(CLI::Range(1, 5));
  create->add_option("--type", c->type, _("incident (default) or request"))
      ->type_name("TYPE")
      ->check(CLI::IsMember({"incident", "request"}));
  create->add_flag("--force", c->force,
                   _("With --pli: open a ticket even when the pli has an open one already"));
  on_parsed(*create, ctx, c, run_create);

  auto l = std::make_shared<ListOptions>();
  auto* list = noun->add_subcommand("list", _("List your tickets, the latest change first"));
  auto* limit = list->add_option("--limit", l->limit, _("At most N tickets (default 50)"))
                    ->type_name("N")
                    ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
  list->add_flag("--all", l->all, _("Every ticket, across all pages"))->excludes(limit);
  list->add_option("--status", l->filter.status,
                   _("all (default), open, old, or one status: new, assigned, planned, pending, "
                     "solved, closed (or GLPI's label: Nouveau... Clos)"))
      ->type_name("TICKET_STATUS");
  list->add_option("--category", l->filter.category,
                   _("Tickets of this category and those under it (name or complete name)"))
      ->type_name("CATEGORY");
  list->add_option("--since", l->filter.since,
                   _("Tickets opened on or after this day (2025-04-18) or instant, GLPI's time"))
      ->type_name("DATE");
  list->add_option("--pli", l->filter.pli,
                   _("Tickets drafted from this pli ('ticket create --pli')"))
      ->type_name("TRANSACTION");
  on_parsed(*list, ctx, l, run_list);

  auto s = std::make_shared<ShowOptions>();
  auto* show = noun->add_subcommand("show", _("Show a ticket with its follow-ups and documents"));
  show->add_option("ID", s->id, _("The ticket's number"))->required()->check(CLI::PositiveNumber);
  on_parsed(*show, ctx, s, run_show);

  auto st = std::make_shared<ShowOptions>();
  auto* status = noun->add_subcommand("status", _("Show where a ticket stands: its status"));
  status->add_option("ID", st->id, _("The ticket's number"))
      ->required()
      ->check(CLI::PositiveNumber);
  on_parsed(*status, ctx, st, run_status);

  auto cl = std::make_shared<CloseOptions>();
  auto* close = noun->add_subcommand(
      "close", _("Solve a ticket with a solution (GLPI's ITILSolution), then close it"));
  close->add_option("ID", cl->id, _("The ticket's number"))->required()->check(CLI::PositiveNumber);
  auto* solution =
      close->add_option("--solution", cl->solution, _("The solution's text"))->type_name("TEXT");
  close->add_option("--solution-file", cl->solution_file, _("Read the solution from FILE"))
      ->type_name("FILE")
      ->excludes(solution);
  on_parsed(*close, ctx, cl, run_close);

  auto w = std::make_shared<WatchTicketOptions>();
  auto* watch = noun->add_subcommand(
      "watch", _("Wait until a ticket is solved or closed, printing its changes of status"));
  watch->add_option("ID", w->id, _("The ticket's number"))->required()->check(CLI::PositiveNumber);
  watch->add_option("--timeout", w->timeout, _("Give up after this long (default: never)"))
      ->type_name("DURATION");
  watch
      ->add_option("--interval", w->interval,
                   _("First wait between polls (default 30s; doubles while nothing changes)"))
      ->type_name("DURATION");
  watch->add_flag("--jsonl", w->jsonl, _("One JSON object per line for each status seen"));
  on_parsed(*watch, ctx, w, run_watch);

  auto m = std::make_shared<CommentOptions>();
  auto* comment = noun->add_subcommand(
      "comment",
      _("Add a follow-up to one or several tickets (text from --body, --body-file or stdin)"));
  comment->add_option("ID", m->ids, _("The tickets' numbers"))
      ->required()
      ->check(CLI::PositiveNumber);
  add_body(*comment, m->body, m->body_file, _("The text of the follow-up"));
  on_parsed(*comment, ctx, m, run_comment);

  auto a = std::make_shared<AttachOptions>();
  auto* attach = noun->add_subcommand("attach", _("Attach files to a ticket"));
  attach->add_option("ID", a->id, _("The ticket's number"))->required()->check(CLI::PositiveNumber);
  attach->add_option("FILE", a->files, _("Files to attach"))->required();
  on_parsed(*attach, ctx, a, run_attach);

  auto li = std::make_shared<LoginOptions>();
  auto* login = noun->add_subcommand(
      "login", _("Save GLPI's user token and App-Token in the credentials store, once checked"));
  login->add_flag("--with-token", li->with_token,
                  _("Read the user token, then the App-Token, as two lines of stdin"));
  on_parsed(*login, ctx, li, run_login);

  auto* logout =
      noun->add_subcommand("logout", _("Remove GLPI's tokens from the credentials store"));
  on_parsed(*logout, ctx, none, run_logout);
}

}  // namespace sne::cli
