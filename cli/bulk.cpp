// sne bulk check|send|status|report|list|clean: a manifest of pieces sent as plis, resumably,
// in parallel (libsne's bulk engine, sne/bulk.hpp); this file binds flags and prints.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include <sne/bulk.hpp>
#include <sne/text.hpp>

#include "commands.hpp"
#include "i18n.hpp"
#include "interrupt.hpp"

namespace sne::cli {

namespace {

using bulk::RowOutcome;
using bulk::RowStatus;
using bulk::Summary;

struct RunFlags {
  std::string manifest;
  int parallel = 8;
  std::string shard;
  double rate = 0;
  bool strict = false;
  std::string catalog;
};

struct SendFlags : RunFlags {
  std::string journal;
  std::string report;
  bool dry_run = false;
  bool retry_failed = false;
};

/// The progress line: on a terminal only, refreshed at most 5 times a second.
class ProgressLine {
 public:
  explicit ProgressLine(const Output& out)
      : on_(!out.json() && ::isatty(STDERR_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr) {}
  ~ProgressLine() { clear(); }

  void update(const bulk::Progress& p) {
    if (!on_) return;
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (p.done < p.total && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    const double s = std::max(0.001, static_cast<double>(p.elapsed.count()) / 1000.0);
    const double rate = static_cast<double>(p.done) / s;
    std::string eta = "-";
    if (rate > 0 && p.total >= p.done) {
      const auto left = static_cast<long long>(static_cast<double>(p.total - p.done) / rate);
      eta = fmt::format("{}:{:02}", left / 60, left % 60);
    }
    const std::string text =
        fmt::format(fmt::runtime(_("{}/{} rows · {} · {} plis/s · ETA {} · {} failed")),
                    human_number(p.done), human_number(p.total), format_size(p.bytes),
                    human_decimal(rate, 1), eta, human_number(p.failed));
    (void)std::fprintf(stderr, "\r\033[K%s", text.c_str());
    (void)std::fflush(stderr);
    shown_ = true;
  }
  void clear() {
    if (!shown_) return;
    (void)std::fprintf(stderr, "\r\033[K");
    (void)std::fflush(stderr);
    shown_ = false;
  }

 private:
  bool on_;
  bool shown_ = false;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_{};
};

/// 0 every row sent or already sent; 3 some failed permanently; 5 transient failures or a
/// stop on them; 4 authentication; 130 interrupted (resumable).
int exit_for(const Summary& s) {
  if (s.stopped) {
    switch (s.stopped->code()) {
      case ErrorCode::unauthenticated:
      case ErrorCode::forbidden: return kExitAuth;
      case ErrorCode::cancelled: return kExitInterrupted;
      case ErrorCode::io: return kExitFailure;
      default: return kExitTemporary;
    }
  }
  if (s.failed_transient > 0 || s.pending > 0) return kExitTemporary;
  if (s.failed_permanent > 0) return kExitPartial;
  return kExitOk;
}

void print_failure(const Output& out, const RowOutcome& o) {
  // TRANSLATORS: "✗ row 12 NUMERO TYPE: error_code: message".
  out.line(fmt::format(fmt::runtime(_("{} row {} {} {}: {}: {}")), out.paint("✗", Style::bad),
                       o.row, one_line(o.numero_unique), one_line(o.type), o.error_code,
                       one_line(localized(o.message))));
}

/// `verb`: N_("sent") or N_("would be sent"), translated here.
void print_summary(const Output& out, const Summary& s, const std::string& verb, bool sending) {
  const double seconds = static_cast<double>(s.duration.count()) / 1000.0;
  std::string line = fmt::format(
      // TRANSLATORS: "5 rows: 2 sent, 1 already sent, 1 failed, 1 to retry, 0 skipped — 3.5 s";
      // the second {} is "sent" or "would be sent", the sixth ", N skipped" or nothing.
      fmt::runtime(_("{}: {} {}, {} already sent, {} failed, {} to retry{} — {} s")),
      fmt::format(fmt::runtime(P_("{} row", "{} rows", s.rows)), human_number(s.rows)),
      human_number(s.sent), translate(verb.c_str()), human_number(s.already_sent),
      human_number(s.failed_permanent), human_number(s.failed_transient + s.pending),
      s.skipped > 0 ? fmt::format(fmt::runtime(_(", {} skipped")), human_number(s.skipped)) : "",
      human_decimal(seconds, 1));
  if (sending)
    line += fmt::format(
        fmt::runtime(_(", {} plis/s, {}/s")), human_decimal(s.plis_per_second, 1),
        format_size(seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(s.bytes) / seconds)
                                : 0));
  out.line(line);
}

Result<bulk::RunOptions> run_options(const RunFlags& f, Context& ctx,
                                     std::shared_ptr<const Catalog>& catalog) {
  bulk::RunOptions o;
  o.manifest = f.manifest;
  o.parallel = f.parallel;
  auto shard = bulk::parse_shard(f.shard);
  if (!shard) {
    std::string message = "--shard: " + shard.error().message();
    remember_localized(message, fmt::format(fmt::runtime(_("{}: {}")), "--shard",
                                            localized(shard.error().message())));
    return Error(ErrorCode::invalid_input, std::move(message), "--shard");
  }
  o.shard = *shard;
  o.rate = f.rate;
  o.strict = f.strict;
  auto c = ctx.catalog(f.catalog);
  if (!c) return c.error();
  catalog = *c;
  o.catalog = catalog.get();
  auto service = ctx.service();
  if (!service) return service.error();
  o.endpoint = (*service)->endpoint().canonical;
  o.open_service = [&ctx](const bulk::RetryObserver& on_retry) {
    return ctx.another_service(on_retry);
  };
  o.cancel = &InterruptGuard::flag();
  return o;
}

CommandResult finish(const Result<Summary>& summary, Context& ctx, const std::string& verb,
                     const std::vector<RowOutcome>& failures, std::size_t failures_cut) {
  if (!summary) return summary.error();
  const Output& out = ctx.out();
  if (out.json()) {
    out.print(to_json(*summary));
    return exit_for(*summary);
  }
  for (const auto& f : failures) print_failure(out, f);
  if (failures_cut > 0)
    out.line(fmt::format(
        fmt::runtime(P_("… and {} more failed row ('sne bulk report JOURNAL --report FILE' "
                        "lists them all)",
                        "… and {} more failed rows ('sne bulk report JOURNAL --report FILE' "
                        "lists them all)",
                        failures_cut)),
        human_number(failures_cut)));
  print_summary(out, *summary, verb, verb == "sent");
  if (!summary->journal.empty())
    out.note(fmt::format(fmt::runtime(_("journal: {}")), summary->journal));
  if (summary->stopped) {
    const auto& e = summary->stopped;
    if (e->code() == ErrorCode::cancelled)
      out.note(_("interrupted: run the same command again to resume"));
    else
      out.error(*e);
  }
  return exit_for(*summary);
}

constexpr std::size_t kFailuresShown = 20;

CommandResult run_check(const RunFlags& f, Context& ctx) {
  std::shared_ptr<const Catalog> catalog;
  auto o = run_options(f, ctx, catalog);
  if (!o) return o.error();
  InterruptGuard interrupt;
  std::map<std::size_t, Json> rows;  // a row checked again (counted with others) replaces itself
  std::vector<RowOutcome> failures;
  std::size_t cut = 0;
  o->on_row = [&](const RowOutcome& r) {
    if (ctx.out().json()) {
      rows[r.row] = bulk::to_json(r);
      return;
    }
    if (r.status != RowStatus::failed_permanent && r.status != RowStatus::failed_transient) return;
    if (failures.size() < kFailuresShown)
      failures.push_back(r);
    else
      ++cut;
  };
  ProgressLine progress(ctx.out());
  o->on_progress = [&](const bulk::Progress& p) { progress.update(p); };
  auto summary = bulk::check_manifest(*o);
  progress.clear();
  if (summary && ctx.out().json()) {
    Json array = Json::array();
    for (auto& [row, doc] : rows) array.push(std::move(doc));
    ctx.out().print(Json::object().set("rows", std::move(array)).set("summary", to_json(*summary)));
    return exit_for(*summary);
  }
  return finish(summary, ctx, N_("would be sent"), failures, cut);
}

CommandResult run_send(const SendFlags& f, Context& ctx) {
  std::shared_ptr<const Catalog> catalog;
  auto base = run_options(f, ctx, catalog);
  if (!base) return base.error();
  if (f.dry_run && !f.report.empty()) {
    ctx.out().usage_error(tr(N_("--report is written by a run that sends")),
                          _("for the verdicts of a dry run, use 'sne bulk check MANIFEST --json'"));
    return kExitUsage;
  }
  bulk::SendOptions o;
  static_cast<bulk::RunOptions&>(o) = *base;
  o.retry_failed = f.retry_failed;
  o.dry_run = f.dry_run;
  o.report = f.report;
  o.journal = f.journal;
  if (o.journal.empty()) {
    auto paths = ctx.paths();
    if (!paths) return paths.error();
    auto path =
        bulk::default_journal_path(f.manifest, bulk::default_journal_folder(**paths), o.shard);
    if (!path) return path.error();
    o.journal = *path;
  }
  InterruptGuard interrupt;
  std::vector<RowOutcome> failures;
  std::size_t cut = 0;
  std::mutex m;
  o.on_row = [&](const RowOutcome& r) {
    if (r.status != RowStatus::failed_permanent && r.status != RowStatus::failed_transient) return;
    std::lock_guard lock(m);
    if (failures.size() < kFailuresShown)
      failures.push_back(r);
    else
      ++cut;
  };
  ProgressLine progress(ctx.out());
  o.on_progress = [&](const bulk::Progress& p) { progress.update(p); };
  auto summary = bulk::send_manifest(o);
  progress.clear();
  if (summary && !f.report.empty() && !ctx.out().json())
    ctx.out().note(fmt::format(fmt::runtime(_("report: {}")), f.report));
  return finish(summary, ctx, f.dry_run ? N_("would be sent") : N_("sent"), failures, cut);
}

// ---- journals -----------------------------------------------------------------------------

std::string age_text(std::int64_t seconds_ago) {
  if (seconds_ago < 3600) return fmt::format("{} min", std::max<std::int64_t>(0, seconds_ago / 60));
  if (seconds_ago < std::int64_t{2} * 86400) return fmt::format("{} h", seconds_ago / 3600);
  const auto days = seconds_ago / 86400;
  return fmt::format(fmt::runtime(P_("{} day", "{} days", days)), days);
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> journal_folder(Context& ctx) {
  auto paths = ctx.paths();
  if (!paths) return paths.error();
  return bulk::default_journal_folder(**paths);
}

struct JournalFlags {
  std::string journal;
  std::string report;
  int older_than = -1;
  bool force = false;
};

CommandResult run_status(const JournalFlags& f, Context& ctx) {
  std::string path = f.journal;
  if (path.empty()) {
    auto folder = journal_folder(ctx);
    if (!folder) return folder.error();
    auto all = bulk::list_journals(*folder);
    if (!all) return all.error();
    if (all->empty())
      return Error(ErrorCode::not_found, tr(N_("no journal in {}"), *folder), *folder);
    path = all->front().path;
  }
  auto info = bulk::read_journal(path);
  if (!info) return info.error();
  if (ctx.out().json()) {
    ctx.out().print(to_json(*info));
    return kExitOk;
  }
  const Summary& s = info->summary;
  Table t({_("JOURNAL"), _("MANIFEST"), _("ROWS"), _("SENT"), _("ALREADY"), _("FAILED"),
           _("TO RETRY"), _("UPDATED")});
  t.add({info->path, info->manifest, human_number(s.rows), human_number(s.sent),
         human_number(s.already_sent), human_number(s.failed_permanent),
         human_number(s.failed_transient + s.pending),
         fmt::format(fmt::runtime(_("{} ago")), age_text(now_seconds() - info->updated_at))});
  t.print(ctx.out());
  ctx.out().line(info->finished ? _("finished")
                                : _("not finished: run the same 'sne bulk send' again"));
  return kExitOk;
}

CommandResult run_report(const JournalFlags& f, Context& ctx) {
  auto writer = bulk::ReportWriter::open(f.report);
  if (!writer) return writer.error();
  Status status;
  std::size_t n = 0;
  auto read = bulk::for_each_row(f.journal, [&](const RowOutcome& o) {
    if (status) status = (*writer)->add(o);
    ++n;
  });
  if (!read) return read.error();
  if (!status) return status.error();
  auto closed = (*writer)->close();
  if (!closed) return closed.error();
  if (ctx.out().json())
    ctx.out().print(Json::object().set("report", f.report).set("rows", n));
  else
    ctx.out().line(fmt::format(fmt::runtime(P_("{} row written to {}", "{} rows written to {}", n)),
                               human_number(n), f.report));
  return kExitOk;
}

CommandResult run_list(const JournalFlags&, Context& ctx) {
  auto folder = journal_folder(ctx);
  if (!folder) return folder.error();
  auto all = bulk::list_journals(*folder);
  if (!all) return all.error();
  if (ctx.out().json()) {
    Json arr = Json::array();
    for (const auto& j : *all) arr.push(to_json(j));
    ctx.out().print(arr);
    return kExitOk;
  }
  if (all->empty()) {
    ctx.out().note(fmt::format(fmt::runtime(_("no journal in {}")), *folder));
    return kExitOk;
  }
  Table t({_("AGE"), _("STATE"), _("ROWS"), _("FAILED"), _("MANIFEST"), _("JOURNAL")});
  for (const auto& j : *all)
    t.add({age_text(now_seconds() - j.updated_at), j.finished ? _("finished") : _("unfinished"),
           human_number(j.summary.rows), human_number(j.summary.failed_permanent), j.manifest,
           j.path});
  t.print(ctx.out());
  return kExitOk;
}

CommandResult run_clean(const JournalFlags& f, Context& ctx) {
  std::vector<bulk::JournalInfo> candidates;
  if (!f.journal.empty()) {
    auto info = bulk::read_journal(f.journal);
    if (!info) return info.error();
    if (!info->finished && !f.force)
      return Error(
          ErrorCode::conflict,
          tr_plural("journal {} is not finished ({} row to retry): deleting it would forget "
                    "what was sent (--force deletes it anyway)",
                    "journal {} is not finished ({} rows to retry): deleting it would forget "
                    "what was sent (--force deletes it anyway)",
                    info->summary.pending + info->summary.failed_transient, f.journal,
                    info->summary.pending + info->summary.failed_transient),
          f.journal);
    candidates.push_back(*info);
  } else {
    auto folder = journal_folder(ctx);
    if (!folder) return folder.error();
    auto all = bulk::list_journals(*folder);
    if (!all) return all.error();
    for (const auto& j : *all) {
      if (!j.finished && !f.force) continue;
      if (f.older_than >= 0 && now_seconds() - j.updated_at < std::int64_t{f.older_than} * 86400)
        continue;
      candidates.push_back(j);
    }
  }
  Json deleted = Json::array();
  for (const auto& j : candidates) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm", ".lock"})
      std::filesystem::remove(j.path + suffix, ec);
    std::filesystem::remove_all(j.path + ".packs", ec);
    deleted.push(j.path);
    if (!ctx.out().json()) ctx.out().line(fmt::format(fmt::runtime(_("Deleted {}")), j.path));
  }
  if (ctx.out().json())
    ctx.out().print(Json::object().set("deleted", std::move(deleted)));
  else if (candidates.empty())
    ctx.out().note(_("no finished journal to delete"));
  return kExitOk;
}

void add_run_flags(CLI::App* verb, RunFlags& f) {
  verb->add_option("MANIFEST", f.manifest,
                   _("CSV or JSON Lines (.jsonl) manifest, one pli per row"))
      ->required()
      ->type_name("FILE");
  verb->add_option("--parallel", f.parallel, _("Rows in flight at once"))
      ->type_name("N")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  verb->add_option("--shard", f.shard, _("Only the rows whose number modulo N is K"))
      ->type_name("K/N");
  verb->add_option("--rate", f.rate, _("At most this many plis per second (default: no cap)"))
      ->type_name("PLIS_PER_S")
      ->check(CLI::Range(0.01, 10000.0));
  verb->add_flag("--strict", f.strict, _("Refuse files with preflight warnings"));
  verb->add_option("--catalog", f.catalog, _("JSON catalog replacing the built-in one"))
      ->type_name("FILE");
}

}  // namespace

void setup_bulk(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "bulk", _("Send a whole manifest of pieces, resumably, in parallel"));

  auto c = std::make_shared<RunFlags>();
  auto* check = noun->add_subcommand(
      "check",
      _("Check every row and file of a manifest, and what the SNE would refuse; sends nothing"));
  add_run_flags(check, *c);
  on_parsed(*check, ctx, c, run_check);

  auto s = std::make_shared<SendFlags>();
  auto* send = noun->add_subcommand(
      "send", _("Send every row of a manifest as one pli; run again to resume"));
  add_run_flags(send, *s);
  send->add_option("--journal", s->journal,
                   _("Journal of the run (default: under $XDG_STATE_HOME/sne/bulk, named from "
                     "the manifest)"))
      ->type_name("PATH");
  send->add_option("--report", s->report, _("Write one row per manifest row, CSV or .jsonl"))
      ->type_name("PATH");
  send->add_flag("--dry-run", s->dry_run, _("Check as 'bulk check' does, skipping done rows"));
  send->add_flag("--retry-failed", s->retry_failed,
                 _("Try again the rows that failed permanently in an earlier run"));
  on_parsed(*send, ctx, s, run_send);

  auto st = std::make_shared<JournalFlags>();
  auto* status =
      noun->add_subcommand("status", _("What a journal holds (default: the latest one)"));
  status->add_option("JOURNAL", st->journal, _("Journal file"))->type_name("PATH");
  on_parsed(*status, ctx, st, run_status);

  auto r = std::make_shared<JournalFlags>();
  auto* report =
      noun->add_subcommand("report", _("Write the report of a journal, without sending"));
  report->add_option("JOURNAL", r->journal, _("Journal file"))->required()->type_name("PATH");
  report->add_option("--report", r->report, _("CSV or .jsonl file to write"))
      ->required()
      ->type_name("PATH");
  on_parsed(*report, ctx, r, run_report);

  auto l = std::make_shared<JournalFlags>();
  auto* list = noun->add_subcommand("list", _("The journals on this machine, newest first"));
  on_parsed(*list, ctx, l, run_list);

  auto k = std::make_shared<JournalFlags>();
  auto* clean = noun->add_subcommand("clean", _("Delete finished journals"));
  clean->add_option("JOURNAL", k->journal, _("Only this journal"))->type_name("PATH");
  clean->add_option("--older-than", k->older_than, _("Only journals untouched for DAYS days"))
      ->type_name("DAYS")
      ->check(CLI::Range(0, 36500));
  clean->add_flag("--force", k->force, _("Delete unfinished journals too"));
  on_parsed(*clean, ctx, k, run_clean);
}

}  // namespace sne::cli
