// The public face of the sandbox database: reset, outbox, clock, numériseur, GLPI knobs, fault
// knobs, volume seeds.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <set>

#include <fmt/format.h>

#include "base/text.hpp"
#include "sandbox/faults.hpp"
#include "sandbox/glpi.hpp"
#include "sandbox/numeriseur.hpp"
#include "sandbox/store.hpp"
#include "sne/numero.hpp"
#include "sne/sandbox.hpp"

namespace sne {

namespace {

// The instants parse_timestamp reads back.
constexpr Timestamp kSandboxClockMin{};
constexpr Timestamp kSandboxClockMax{std::chrono::seconds(7289654399)};  // 2200-12-31T23:59:59Z

Error db_error(const std::string& path, const std::exception& e) {
  return Error(ErrorCode::io, fmt::format("sandbox database {}: {}", path, e.what()), path);
}

/// A code guichet as written (any case), checked: five letters or digits, upper case.
Result<std::string> code_guichet(const std::string& written) {
  std::string code = text::ascii_upper(written);
  if (!is_code_guichet(code))
    return Error(ErrorCode::invalid_input,
                 fmt::format("'{}' is not a code guichet (five letters or digits)", written),
                 "guichet");
  return code;
}

}  // namespace

Status reset_sandbox(const std::string& path) {
  try {
    sandbox::Db db(path);
    sandbox::reset(db);
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
  return Status();
}

Result<std::vector<OutboxMail>> sandbox_outbox(const std::string& path, int limit) {
  if (::access(path.c_str(), F_OK) != 0)
    return Error(ErrorCode::not_found, fmt::format("no sandbox database at {}", path), path);
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    auto st = db.prepare(
        "SELECT id, sent_at, recipient, subject, body FROM (SELECT * FROM outbox ORDER BY id DESC "
        "LIMIT ?) ORDER BY id");
    st.bind(static_cast<std::int64_t>(limit > 0 ? limit : -1));
    std::vector<OutboxMail> out;
    while (st.step())
      out.push_back(
          {st.int64(0), sandbox::from_seconds(st.int64(1)), st.text(2), st.text(3), st.text(4)});
    return out;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

std::vector<OutboxMail> select_outbox(std::vector<OutboxMail> mails, const OutboxQuery& query) {
  std::vector<OutboxMail> shown;
  for (auto& m : mails)
    if (query.to.empty() || m.to == query.to) shown.push_back(std::move(m));
  if (query.limit > 0 && shown.size() > static_cast<std::size_t>(query.limit))
    shown.erase(shown.begin(), shown.end() - query.limit);
  return shown;
}

Result<std::vector<OutboxMail>> find_outbox_mails(const std::string& path,
                                                  const OutboxQuery& query) {
  // Without an address the database keeps only the last ones; with one, they are picked here.
  auto mails = sandbox_outbox(path, query.to.empty() ? query.limit : 0);
  if (!mails) return mails.error();
  return select_outbox(std::move(*mails), query);
}

Status advance_sandbox_clock(const std::string& path, std::chrono::seconds by) {
  if (by.count() < 0)
    return Error(ErrorCode::invalid_input, "the sandbox clock only moves forward");
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::advance_clock(db, static_cast<std::int64_t>(by.count()));
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
  return Status();
}

Result<SandboxClock> sandbox_clock(const std::string& path) {
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    return sandbox::read_clock(db);
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<Timestamp> parse_sandbox_instant(std::string_view text) {
  auto t = parse_timestamp(text.size() == 10 ? std::string(text) + "T00:00:00Z" : text);
  if (!t)
    return Error(ErrorCode::invalid_input,
                 fmt::format("'{}' is not an instant YYYY-MM-DDTHH:MM:SSZ or a date YYYY-MM-DD "
                             "(00:00 UTC), from 1970 to 2200",
                             printable(text, 40)),
                 "instant");
  return *t;
}

Result<SandboxClock> set_sandbox_clock(const std::string& path, Timestamp at) {
  if (at < kSandboxClockMin || at > kSandboxClockMax)
    return Error(
        ErrorCode::invalid_input,
        fmt::format("{} is outside the sandbox clock's range, {} to {}", format_timestamp(at),
                    format_timestamp(kSandboxClockMin), format_timestamp(kSandboxClockMax)),
        "clock");
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    sandbox::fix_clock(db, at);
    auto clock = sandbox::read_clock(db);
    write.commit();
    return clock;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<SandboxClock> auto_sandbox_clock(const std::string& path) {
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    sandbox::release_clock(db);
    auto clock = sandbox::read_clock(db);
    write.commit();
    return clock;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<NumeriseurRun> advance_sandbox(const std::string& path, std::chrono::seconds by) {
  if (by.count() < 0)
    return Error(ErrorCode::invalid_input, "the sandbox clock only moves forward");
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    {
      sandbox::Transaction write(db, true);
      sandbox::advance_clock(db, static_cast<std::int64_t>(by.count()));
      write.commit();
    }
    // Inspects without a transaction open, so that a server sharing the database serves
    // meanwhile; a pli it processed first is not processed again.
    std::set<std::string> claimed;
    auto tally = sandbox::run_numeriseur(
        [&db](const std::function<void(sandbox::Db&)>& step) { step(db); }, true, claimed);
    return NumeriseurRun{tally.complete, tally.rejet_pieces, tally.rejet_dossier,
                         std::move(tally.transactions)};
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<NumeriseurState> sandbox_numeriseur(const std::string& path,
                                           std::optional<std::chrono::seconds> delay) {
  if (delay && (delay->count() < 0 || delay->count() > 86400))
    return Error(ErrorCode::invalid_input, "the numériseur's delay is 0 to 24 hours", "delay");
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    if (delay)
      db.run("UPDATE meta SET value = ? WHERE key = 'numeriseur_delay'",
             std::to_string(delay->count()));
    NumeriseurState state;
    state.delay = std::chrono::seconds(sandbox::numeriseur_delay(db));
    auto st = db.prepare(
        "SELECT sum(stuck = 0), sum(stuck = 1) FROM plis WHERE statut = "
        "'numerisation_en_cours'");
    st.step();
    state.waiting = static_cast<int>(st.int64(0));
    state.stuck = static_cast<int>(st.int64(1));
    write.commit();
    return state;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<SandboxGlpi> sandbox_glpi(const std::string& path, const SandboxGlpiChange& change) {
  constexpr std::int64_t kMaxTtl = std::int64_t{30} * 86400;
  constexpr std::uint64_t kMaxUpload = std::uint64_t{1} << 30;
  if (change.session_ttl &&
      (change.session_ttl->count() < 1 || change.session_ttl->count() > kMaxTtl))
    return Error(ErrorCode::invalid_input,
                 fmt::format("the idle lifetime of GLPI sessions is 1 s to 30 days, not {} s",
                             change.session_ttl->count()),
                 "session_ttl");
  if (change.session_calls && (*change.session_calls < 0 || *change.session_calls > 1000000))
    return Error(
        ErrorCode::invalid_input,
        fmt::format("the calls a GLPI session serves are 0 (no limit) to 1,000,000, not {}",
                    *change.session_calls),
        "session_calls");
  if (change.max_upload && (*change.max_upload < 1 || *change.max_upload > kMaxUpload))
    return Error(ErrorCode::invalid_input,
                 fmt::format("the largest GLPI upload is 1 byte to 1 GiB ({} bytes), not {}",
                             kMaxUpload, *change.max_upload),
                 "max_upload");
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    if (change.session_ttl)
      sandbox::glpi::write_knob(db, "glpi_session_ttl", change.session_ttl->count());
    if (change.session_calls)
      sandbox::glpi::write_knob(db, "glpi_session_calls", *change.session_calls);
    if (change.max_upload)
      sandbox::glpi::write_knob(db, "glpi_max_upload",
                                static_cast<std::int64_t>(*change.max_upload));
    const auto knobs = sandbox::glpi::read_knobs(db);
    SandboxGlpi state;
    state.session_ttl = std::chrono::seconds(knobs.session_ttl);
    state.session_calls = static_cast<int>(knobs.session_calls);
    state.max_upload = static_cast<std::uint64_t>(knobs.max_upload);
    state.open_sessions = sandbox::glpi::open_sessions(db, sandbox::to_seconds(sandbox::now(db)));
    auto count = [&db](const char* sql) {
      auto st = db.prepare(sql);
      st.step();
      return static_cast<int>(st.int64(0));
    };
    state.tickets = count("SELECT count(*) FROM glpi_tickets");
    state.documents = count("SELECT count(*) FROM glpi_documents");
    write.commit();
    return state;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<SeededPlis> seed_sandbox_plis(const std::string& path, const SeedPlisOptions& options) {
  if (options.count < 1 || options.count > 1000000)
    return Error(ErrorCode::invalid_input,
                 fmt::format("{} plis: from 1 to 1,000,000 at a time", options.count), "count");
  if (options.days < 1 || options.days > 3650)
    return Error(ErrorCode::invalid_input,
                 fmt::format("{} days: from 1 to 3650 (ten years)", options.days), "days");
  SeedPlisOptions o = options;
  auto guichet = code_guichet(options.guichet);
  if (!guichet) return guichet.error();
  o.guichet = *guichet;
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    std::string territoire;
    {
      auto st = db.prepare("SELECT territoire FROM guichets WHERE code = ?");
      st.bind(o.guichet);
      if (!st.step())
        return Error(ErrorCode::not_found, fmt::format("no guichet {} in the sandbox", o.guichet),
                     "guichet");
      territoire = st.text(0);
    }
    // Random transaction ids land all over the indexes: a cache of 64 MiB instead of 2 MiB
    // keeps them in memory, and the seed twice as fast.
    db.exec("PRAGMA cache_size = -65536");
    auto seeded = sandbox::seed_plis(db, o, territoire, sandbox::now(db));
    write.commit();
    return seeded;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<SeededDemandes> seed_sandbox_demandes(const std::string& path,
                                             const SeedDemandesOptions& options) {
  if (options.count < 1 || options.count > 1000000)
    return Error(ErrorCode::invalid_input,
                 fmt::format("{} demandes: from 1 to 1,000,000 at a time", options.count), "count");
  std::string guichet;
  if (!options.guichet.empty()) {
    auto code = code_guichet(options.guichet);
    if (!code) return code.error();
    guichet = *code;
  }
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    if (guichet.empty()) {
      auto st = db.prepare("SELECT current_guichet FROM users WHERE email = ?");
      st.bind(kSandboxAgent);
      if (!st.step())
        return Error(ErrorCode::not_found,
                     fmt::format("no demo agent {} in the sandbox: give a guichet", kSandboxAgent),
                     "guichet");
      guichet = st.text(0);
    }
    SeededDemandes out;
    {
      auto st = db.prepare("SELECT territoire FROM guichets WHERE code = ?");
      st.bind(guichet);
      if (!st.step())
        return Error(ErrorCode::not_found, fmt::format("no guichet {} in the sandbox", guichet),
                     "guichet");
      out.territoire = st.text(0);
    }
    out.guichet = guichet;
    // Random numéros land all over the index of demandes: a cache of 64 MiB keeps it in memory.
    db.exec("PRAGMA cache_size = -65536");
    out.numeros =
        sandbox::seed_demandes(db, options.count, out.territoire, guichet, sandbox::now(db));
    write.commit();
    return out;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

Result<SandboxFaults> sandbox_faults(const std::string& path, const SandboxFaultsChange& change) {
  if (auto valid = sandbox::faults::validate(change); !valid) return valid.error();
  try {
    sandbox::Db db(path);
    sandbox::prepare(db);
    sandbox::Transaction write(db, true);
    sandbox::faults::write(db, change);
    auto knobs = sandbox::faults::read(db);
    write.commit();
    return knobs;
  } catch (const std::exception& e) {
    return db_error(path, e);
  }
}

}  // namespace sne
