// sne/doctor.hpp: the thresholds of the clock and of expiries, the choice of the first failure,
// the JSON of a check, the reading of certificate dates, and run_doctor() on the embedded
// sandbox in a home of its own (bad configuration, catalog override, damaged database).
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "../support/temp_dir.hpp"
#include "http/curl_transport.hpp"
#include "sne/doctor.hpp"
#include "sne/sandbox.hpp"
#include "sne/sandbox_integrity.hpp"
#include "sqlite/db.hpp"

using namespace sne;
using std::chrono::hours;
using std::chrono::seconds;

namespace {

Timestamp at(long long s) { return Timestamp(seconds(s)); }

/// The embedded sandbox in a temporary home, the environment a map.
struct Home {
  testing::TempDir dir{"doctor"};
  std::map<std::string, std::string> vars;

  Home() {
    vars["HOME"] = dir.path();
    vars["XDG_CONFIG_HOME"] = dir / "config";
    vars["XDG_DATA_HOME"] = dir / "data";
    std::filesystem::create_directories(dir / "config/sne");
    std::filesystem::create_directories(dir / "data/sne");
  }
  EnvLookup env() const {
    return [vars = vars](std::string_view name) -> std::optional<std::string> {
      auto it = vars.find(std::string(name));
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  DoctorReport run() {
    ConnectOptions connect;
    connect.env = env();
    Connection connection(connect);
    DoctorOptions options;
    options.env = env();
    options.sandbox_integrity = check_sandbox_integrity;
    return run_doctor(connection, options);
  }
};

const DoctorCheck& named(const DoctorReport& report, const std::string& name) {
  for (const auto& check : report.checks)
    if (check.name == name) return check;
  FAIL("no check " << name);
  return report.checks.front();
}

}  // namespace

TEST_CASE("classify_skew: passed below the warning, warning below the failure, both ways") {
  DoctorOptions o;
  o.skew_warning = seconds(30);
  o.skew_failure = seconds(300);
  CHECK(classify_skew(seconds(0), o) == CheckStatus::passed);
  CHECK(classify_skew(seconds(29), o) == CheckStatus::passed);
  CHECK(classify_skew(seconds(-29), o) == CheckStatus::passed);
  CHECK(classify_skew(seconds(30), o) == CheckStatus::warning);
  CHECK(classify_skew(seconds(-299), o) == CheckStatus::warning);
  CHECK(classify_skew(seconds(300), o) == CheckStatus::failed);
  CHECK(classify_skew(seconds(-86400), o) == CheckStatus::failed);
}

TEST_CASE("classify_expiry: failed once expired, warning within the margin, else passed") {
  const Timestamp now = at(1'000'000);
  CHECK(classify_expiry(now, now, hours(1)) == CheckStatus::failed);
  CHECK(classify_expiry(now - seconds(1), now, hours(1)) == CheckStatus::failed);
  CHECK(classify_expiry(now + seconds(1), now, hours(1)) == CheckStatus::warning);
  CHECK(classify_expiry(now + hours(1), now, hours(1)) == CheckStatus::warning);
  CHECK(classify_expiry(now + hours(1) + seconds(1), now, hours(1)) == CheckStatus::passed);
  CHECK(classify_expiry(Timestamp::max(), now, hours(1)) == CheckStatus::passed);
}

TEST_CASE("DoctorReport::first_failure: the first failed check in order, warnings ignored") {
  DoctorReport report;
  CHECK(report.first_failure() == nullptr);
  report.checks.push_back({"config", CheckStatus::passed, "ok"});
  report.checks.push_back({"clock", CheckStatus::warning, "40 s", "ntp"});
  report.checks.push_back({"dns", CheckStatus::skipped, "sandbox"});
  CHECK(report.first_failure() == nullptr);
  report.checks.push_back(
      {"tcp", CheckStatus::failed, "refused", "", Error(ErrorCode::network, "refused")});
  report.checks.push_back(
      {"token", CheckStatus::failed, "none", "", Error(ErrorCode::unauthenticated, "none")});
  REQUIRE(report.first_failure() != nullptr);
  CHECK(report.first_failure()->name == "tcp");
  CHECK(report.first_failure()->error->code() == ErrorCode::network);
}

TEST_CASE("to_json(DoctorCheck): name, status, detail, hint and error, null when absent") {
  const DoctorCheck passed{"config", CheckStatus::passed, "file"};
  CHECK(to_json(passed).dump(-1) ==
        R"({"name":"config","status":"passed","detail":"file","hint":null,"error":null})");
  const DoctorCheck failed{"token", CheckStatus::failed, "not signed in", "sign in",
                           Error(ErrorCode::unauthenticated, "not signed in", "Authorization")};
  CHECK(
      to_json(failed).dump(-1) ==
      R"({"name":"token","status":"failed","detail":"not signed in","hint":"sign in",)"
      R"("error":{"code":"unauthenticated","message":"not signed in","subject":"Authorization"}})");
}

TEST_CASE("parse_certificate_date: OpenSSL's dates as libcurl's CERTINFO writes them") {
  CHECK(http::parse_certificate_date("Nov 30 12:00:00 2026 GMT") ==
        parse_timestamp("2026-11-30T12:00:00Z").value());
  CHECK(http::parse_certificate_date("Jan  2 03:04:05 2020 GMT") ==
        parse_timestamp("2020-01-02T03:04:05Z").value());
  CHECK_FALSE(http::parse_certificate_date("2026-11-30"));
  CHECK_FALSE(http::parse_certificate_date("Nov 30 12:00:00 2026 CET"));
  CHECK_FALSE(http::parse_certificate_date("Xyz 30 12:00:00 2026 GMT"));
  CHECK_FALSE(http::parse_certificate_date("Nov 30 12:00:00 2026 GMT extra"));
}

TEST_CASE("run_doctor: the embedded sandbox in a fresh home passes, every check listed") {
  Home home;
  const DoctorReport report = home.run();
  CHECK(report.first_failure() == nullptr);
  std::string names;
  for (const auto& check : report.checks) names += check.name + " ";
  CHECK(names ==
        "config endpoint sandbox dns tcp tls service clock credentials token glpi catalog ");
  CHECK(named(report, "dns").status == CheckStatus::skipped);
  CHECK(named(report, "service").status == CheckStatus::passed);
  CHECK(named(report, "glpi").status == CheckStatus::passed);
}

TEST_CASE("run_doctor: a configuration file that is no TOML fails first, as invalid input") {
  Home home;
  home.dir.write("config/sne/config.toml", "profile = \n[[[");
  const DoctorReport report = home.run();
  REQUIRE(report.first_failure() != nullptr);
  CHECK(report.first_failure()->name == "config");
  CHECK(report.first_failure()->error->code() == ErrorCode::invalid_input);
  CHECK(named(report, "endpoint").status == CheckStatus::skipped);
  CHECK(named(report, "catalog").status == CheckStatus::skipped);
}

TEST_CASE("run_doctor: a catalog override that does not load fails the catalog check") {
  Home home;
  home.dir.write("catalog.json", "{\"not\": \"a catalog\"}");
  home.dir.write("config/sne/config.toml",
                 "[profiles.default]\ncatalog = \"" + (home.dir / "catalog.json") + "\"\n");
  const DoctorReport report = home.run();
  REQUIRE(report.first_failure() != nullptr);
  CHECK(report.first_failure()->name == "catalog");
  CHECK(report.first_failure()->error->code() == ErrorCode::invalid_input);
}

TEST_CASE("check_sandbox_integrity: a sound database, a missing one, a damaged one") {
  testing::TempDir dir("integrity");
  const std::string db = dir / "sandbox.db";
  CHECK(check_sandbox_integrity(db).error().code() == ErrorCode::not_found);
  CHECK_FALSE(std::filesystem::exists(db));
  REQUIRE(reset_sandbox(db));
  auto sound = check_sandbox_integrity(db);
  REQUIRE(sound);
  CHECK(sound->find("integrity_check ok") != std::string::npos);
  {  // garbage over the pages after the first: the tables' b-trees
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 2);
    const std::string junk(4096 * 4, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto damaged = check_sandbox_integrity(db);
  REQUIRE_FALSE(damaged);
  CHECK(damaged.error().code() == ErrorCode::io);
  CHECK(damaged.error().message().find("damaged") != std::string::npos);
}

TEST_CASE("check_sandbox_integrity: an index's page overwritten is found by integrity_check") {
  testing::TempDir dir("integrity");
  const std::string db = dir / "sandbox.db";
  REQUIRE(reset_sandbox(db));
  std::int64_t root = 0;
  {
    sqlite::Db open(db);
    auto st = open.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'plis_waiting'");
    REQUIRE(st.step());
    root = st.int64(0);
  }
  {  // the cells at the end of the page: the database opens, the index is wrong
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp((root - 1) * 4096 + 1024);
    const std::string junk(3072, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto damaged = check_sandbox_integrity(db);
  REQUIRE_FALSE(damaged);
  CHECK(damaged.error().code() == ErrorCode::io);
  CHECK(damaged.error().message().find("On tree page " + std::to_string(root)) !=
        std::string::npos);
  CHECK(damaged.error().message().find('\n') == std::string::npos);
}
