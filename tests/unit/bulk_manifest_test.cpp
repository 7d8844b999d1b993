// bulk manifests and reports: the CSV rules (RFC 4180, BOM, CRLF, header in any order, limits),
// JSON Lines, the checks of each row, relative paths, reports read back as manifests, and memory
// that does not grow with the number of rows.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/csv.hpp"
#include "inspect/isolate.hpp"
#include "sne/bulk.hpp"

using namespace sne;
using namespace sne::bulk;

namespace {

constexpr const char* kN1 = "0340819000040PWP01";
constexpr const char* kN2 = "1110920020745G1175";
constexpr const char* kN3 = "0690620007611G3163";

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/sne-bulk-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    // Resolved, as the reader resolves the manifest's folder (/tmp may be a link).
    path = std::filesystem::canonical(tmpl).string();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const std::string p = path + "/" + name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }
  std::string operator/(const std::string& name) const { return path + "/" + name; }
};

std::unique_ptr<ManifestReader> open_ok(const std::string& path) {
  auto m = ManifestReader::open(path);
  if (!m.ok()) FAIL(m.error().message());
  return std::move(*m);
}

/// Every row up to the end; fails the test on a stop error.
std::vector<ManifestRow> all_rows(ManifestReader& m) {
  std::vector<ManifestRow> rows;
  for (;;) {
    auto r = m.next();
    if (!r.ok()) FAIL(r.error().message());
    if (!r->has_value()) return rows;
    rows.push_back(std::move(**r));
  }
}

std::vector<ManifestRow> read_all(const std::string& path) { return all_rows(*open_ok(path)); }

/// The rows of `body` under the usual header, each expected to fail: its error's message.
std::string row_error(const TempDir& dir, const std::string& header, const std::string& body) {
  auto rows = read_all(dir.write("e.csv", header + "\n" + body + "\n"));
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].error.has_value());
  CHECK(rows[0].error->code() == ErrorCode::invalid_input);
  return rows[0].error->message();
}

std::string subject_of(const TempDir& dir, const std::string& header, const std::string& body) {
  auto rows = read_all(dir.write("s.csv", header + "\n" + body + "\n"));
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].error.has_value());
  return rows[0].error->subject();
}

long status_kib(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::strtol(line.c_str() + std::strlen(key), nullptr, 10);
  return -1;
}

}  // namespace

TEST_CASE("bulk manifest CSV: BOM, CRLF, header in any order and case, unknown columns") {
  TempDir dir;
  const std::string path = dir.write(
      "m.csv",
      "\xEF\xBB\xBF"
      " Files , TYPE,notes,Numero_Unique ,Date_Emission,contexte\r\n" +
          std::string("a.pdf,titre_sejour,anything,") + kN1 + ",2024-01-16,AJO\r\n" + "\r\n" +
          "  \r\n" + "\"b.pdf | /abs/c.jpg\",avis_imposition,x," + kN2 + ",16/01/2024,\r\n" +
          "d.pdf,t,x,0690620007611g3163,,mise-a-jour");  // no final newline
  auto rows = read_all(path);
  REQUIRE(rows.size() == 3);
  CHECK_FALSE(rows[0].error.has_value());
  CHECK(rows[0].row == 1);
  CHECK(rows[0].line == 2);
  CHECK(rows[0].numero_unique == kN1);
  CHECK(rows[0].type == "titre_sejour");
  CHECK(rows[0].files_written == std::vector<std::string>{"a.pdf"});
  CHECK(rows[0].files == std::vector<std::string>{dir / "a.pdf"});
  CHECK(rows[0].date_emission == Date::from_ymd(2024, 1, 16).value());
  CHECK(rows[0].contexte == "AJO");
  CHECK(rows[1].row == 2);
  CHECK(rows[1].line == 5);  // blank lines are not rows, but are lines
  CHECK_FALSE(rows[1].error.has_value());
  CHECK(rows[1].files_written == std::vector<std::string>{"b.pdf", "/abs/c.jpg"});
  CHECK(rows[1].files == std::vector<std::string>{dir / "b.pdf", "/abs/c.jpg"});
  CHECK(rows[1].date_emission == Date::from_ymd(2024, 1, 16).value());  // DD/MM/YYYY
  CHECK(rows[1].contexte.empty());
  CHECK(rows[2].row == 3);
  CHECK(rows[2].line == 6);
  CHECK_FALSE(rows[2].error.has_value());
  CHECK(rows[2].numero_unique == kN3);  // normalised
  CHECK(rows[2].contexte == "mise-a-jour");
}

TEST_CASE("bulk manifest CSV: quoted fields with separators, quotes and line breaks") {
  TempDir dir;
  const std::string path =
      dir.write("q.csv", "numero_unique,type,files,idempotency_key\n" + std::string(kN1) +
                             ",\"t\",\"a, \"\"one\"\".pdf|b\r\nc.pdf|d\ne.pdf|f\rg.pdf\",k1\n" +
                             kN2 + ",t,x.pdf,k2\n");
  auto m = open_ok(path);
  CHECK(m->format() == ManifestFormat::csv);
  CHECK(m->path() == path);
  auto rows = all_rows(*m);
  REQUIRE(rows.size() == 2);
  CHECK_FALSE(rows[0].error.has_value());
  CHECK(rows[0].files_written ==
        std::vector<std::string>{"a, \"one\".pdf", "b\r\nc.pdf", "d\ne.pdf", "f\rg.pdf"});
  CHECK(rows[0].idempotency_key == "k1");
  CHECK(rows[1].line == 6);  // the row above spans lines 2 to 5 (CRLF, LF and CR: one each)
  CHECK(rows[1].row == 2);
}

TEST_CASE("bulk manifest CSV: header faults stop open()") {
  TempDir dir;
  auto missing = ManifestReader::open(dir.write("a.csv", "numero_unique,type,fichiers\n"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::invalid_input);
  CHECK(missing.error().message() ==
        dir / "a.csv" +
            ": line 1: the header lacks the column 'files' (required: numero_unique, "
            "type, files)");
  auto twice = ManifestReader::open(dir.write("b.csv", "numero_unique,type,files,TYPE\n"));
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message() == dir / "b.csv" + ": line 1: column 'type' appears twice");
  auto empty = ManifestReader::open(dir.write("c.csv", "\xEF\xBB\xBF\n\n"));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message().find("empty manifest") != std::string::npos);
  auto none = ManifestReader::open(dir / "none.csv");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code() == ErrorCode::io);
  auto folder = ManifestReader::open(dir.path);
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code() == ErrorCode::invalid_input);
}

TEST_CASE("bulk manifest CSV: short and long rows are row errors, reading goes on") {
  TempDir dir;
  auto rows = read_all(dir.write("r.csv", "numero_unique,type,files\n" + std::string(kN1) + ",t\n" +
                                              kN1 + ",t,a.pdf,extra\n" + kN1 + ",t,a.pdf\n"));
  REQUIRE(rows.size() == 3);
  REQUIRE(rows[0].error.has_value());
  CHECK(rows[0].error->message() == "row 1 (line 2): 2 fields, the header has 3");
  REQUIRE(rows[1].error.has_value());
  CHECK(rows[1].error->message() == "row 2 (line 3): 4 fields, the header has 3");
  CHECK_FALSE(rows[2].error.has_value());
  CHECK(rows[2].row == 3);
}

TEST_CASE("bulk manifest CSV: a quote open at the end of the file stops reading") {
  TempDir dir;
  auto m =
      open_ok(dir.write("u.csv", "numero_unique,type,files\n" + std::string(kN1) + ",t,a.pdf\n" +
                                     kN2 + ",t,\"b.pdf\n" + kN3 + ",t,c.pdf\n"));
  auto first = m->next();
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  auto second = m->next();
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code() == ErrorCode::invalid_input);
  CHECK(second.error().message().find(": line 3: a quoted field opened in this row is still "
                                      "open at the end of the file") != std::string::npos);
  auto after = m->next();
  REQUIRE(after.ok());
  CHECK_FALSE(after->has_value());
}

TEST_CASE("bulk manifest CSV: a field over 1 MiB stops reading") {
  TempDir dir;
  const std::string big(std::size_t{1} << 20 | 1, 'x');
  auto m = open_ok(dir.write("big.csv", "numero_unique,type,files\n" + std::string(kN1) + ",t," +
                                            big + "\n" + kN2 + ",t,a.pdf\n"));
  auto r = m->next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message().find("line 2: a row over 1048576 bytes") != std::string::npos);
  auto quoted = open_ok(dir.write(
      "open.csv", "numero_unique,type,files\n" + std::string(kN1) + ",t,\"" + big + "\n"));
  CHECK_FALSE(quoted->next().ok());
}

TEST_CASE("bulk manifest: checks of each row name the row, the line and the column") {
  TempDir dir;
  const std::string h =
      "numero_unique,type,files,contexte,date_emission,date_expiration,"
      "annee_revenus,pack,idempotency_key";
  const std::string n = kN1;
  CHECK(row_error(dir, h, "0340819000040PWP0,t,a.pdf,,,,,,") ==
        "row 1 (line 2): numero_unique: 17 characters, expected 18");
  CHECK(subject_of(dir, h, "0340819000040PWP0,t,a.pdf,,,,,,") == "numero_unique");
  CHECK(row_error(dir, h, ",t,a.pdf,,,,,,") == "row 1 (line 2): numero_unique: missing");
  CHECK(row_error(dir, h, n + ",,a.pdf,,,,,,") == "row 1 (line 2): type: missing");
  CHECK(row_error(dir, h, n + ",t,,,,,,,") == "row 1 (line 2): files: no file");
  CHECK(row_error(dir, h, n + ",t,a.pdf||b.pdf,,,,,,") ==
        "row 1 (line 2): files: entry 2 of the list is empty");
  CHECK(row_error(dir, h, n + ",t,a.pdf|,,,,,,") ==
        "row 1 (line 2): files: entry 2 of the list is empty");
  std::string many;
  for (int i = 0; i < 21; ++i) many += (i ? "|" : "") + std::to_string(i) + ".pdf";
  CHECK(row_error(dir, h, n + ",t," + many + ",,,,,,") ==
        "row 1 (line 2): files: 21 files, at most 20 in one pli");
  CHECK(subject_of(dir, h, n + ",t,a.pdf,bof,,,,,") == "contexte");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,2024-13-01,,,,") ==
        "row 1 (line 2): date_emission: month 13 is not 01-12");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,,31/02/2024,,,") ==
        "row 1 (line 2): date_expiration: day 31 is not in 2024-02");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,,2024/01/01,,,") ==
        "row 1 (line 2): date_expiration: expected a date YYYY-MM-DD or DD/MM/YYYY, found "
        "'2024/01/01'");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,2024-05-01,2024-04-30,,,") ==
        "row 1 (line 2): date_expiration: 2024-04-30 is before date_emission 2024-05-01");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,,,1899,,") ==
        "row 1 (line 2): annee_revenus: expected a year from 1900 to 2200, found '1899'");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,,,2O23,,") ==
        "row 1 (line 2): annee_revenus: expected a year from 1900 to 2200, found '2O23'");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,,,,peut-être,") ==
        "row 1 (line 2): pack: expected yes or no, found 'peut-être'");
  CHECK(row_error(dir, h, n + ",t,a.pdf,,,,,,a key") ==
        "row 1 (line 2): idempotency_key: expected 1 to 255 printable ASCII characters without "
        "spaces, found 'a key'");
  CHECK(subject_of(dir, h, n + ",t,a.pdf,,,,,," + std::string(256, 'k')) == "idempotency_key");

  // A good row, every column used; pack in its spellings.
  auto rows = read_all(dir.write(
      "ok.csv", h + "\n" + n + ",t,a.pdf,REN,2024-01-02,02/01/2025,2023,Yes,key-1\n" + n +
                    ",t,a.pdf,,,,,0,\n" + n + ",t,a.pdf,,,,,oui,\n" + n + ",t,a.pdf,,,,,false,\n"));
  REQUIRE(rows.size() == 4);
  for (const auto& r : rows) CHECK_FALSE(r.error.has_value());
  CHECK(rows[0].contexte == "REN");
  CHECK(rows[0].date_expiration == Date::from_ymd(2025, 1, 2).value());
  CHECK(rows[0].annee_revenus == 2023);
  CHECK(rows[0].pack);
  CHECK(rows[0].idempotency_key == "key-1");
  CHECK_FALSE(rows[1].pack);
  CHECK(rows[2].pack);
  CHECK_FALSE(rows[3].pack);
  CHECK_FALSE(rows[1].annee_revenus.has_value());
}

TEST_CASE("bulk manifest: relative paths against the manifest's folder") {
  TempDir dir;
  std::filesystem::create_directories(dir / "sub");
  auto rows = read_all(dir.write("sub/m.csv", "numero_unique,type,files\n" + std::string(kN1) +
                                                  ",t,scans/a.pdf|../b.pdf|/x/c.pdf\n"));
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].files ==
        std::vector<std::string>{dir / "sub/scans/a.pdf", dir / "sub/../b.pdf", "/x/c.pdf"});
  // A manifest named by a relative path resolves against the folder it is in, not the cwd.
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path);
  auto relative = read_all("sub/m.csv");
  std::filesystem::current_path(cwd);
  REQUIRE(relative.size() == 1);
  CHECK(relative[0].files[0] == dir / "sub/scans/a.pdf");
}

TEST_CASE("bulk manifest JSONL: arrays, one string, types, malformed lines as row errors") {
  TempDir dir;
  const std::string n = kN1;
  const std::string path = dir.write(
      "m.jsonl",
      "{\"numero_unique\":\"" + n +
          "\",\"type\":\"t\",\"files\":[\"a.pdf\",\" /abs/b|c.pdf \"],\"pack\":true,"
          "\"annee_revenus\":2022,\"date_emission\":\"2024-01-16\",\"status\":\"sent\"}\r\n"
          "\n"
          "{\"numero_unique\":\"" +
          n +
          "\",\"type\":\"t\",\"files\":\"one.pdf\",\"pack\":\"no\",\"annee_revenus\":\"2021\","
          "\"date_expiration\":null}\n"
          "{\"numero_unique\": \n"
          "[1,2]\n"
          "{\"numero_unique\":\"" +
          n +
          "\",\"type\":\"t\",\"files\":[\"a.pdf\",\"\"]}\n"
          "{\"numero_unique\":12,\"type\":\"t\",\"files\":[\"a.pdf\"]}\n"
          "{\"numero_unique\":\"" +
          n + "\",\"type\":\"t\",\"files\":[\"a.pdf\"],\"annee_revenus\":1800}\n" +
          "{\"numero_unique\":\"" + n +
          "\",\"type\":\"t\",\"files\":[\"a.pdf\"],\"type\":\"u\"}\n" + "{\"numero_unique\":\"" +
          n + "\",\"type\":\"t\",\"files\":[\"z.pdf\"]}");
  auto m = open_ok(path);
  CHECK(m->format() == ManifestFormat::jsonl);
  auto rows = all_rows(*m);
  REQUIRE(rows.size() == 9);
  CHECK_FALSE(rows[0].error.has_value());
  CHECK(rows[0].files_written == std::vector<std::string>{"a.pdf", "/abs/b|c.pdf"});
  CHECK(rows[0].files == std::vector<std::string>{dir / "a.pdf", "/abs/b|c.pdf"});
  CHECK(rows[0].pack);
  CHECK(rows[0].annee_revenus == 2022);
  CHECK(rows[0].date_emission == Date::from_ymd(2024, 1, 16).value());
  CHECK(rows[1].row == 2);
  CHECK(rows[1].line == 3);
  CHECK_FALSE(rows[1].error.has_value());
  CHECK(rows[1].files_written == std::vector<std::string>{"one.pdf"});
  CHECK_FALSE(rows[1].pack);
  CHECK(rows[1].annee_revenus == 2021);
  CHECK_FALSE(rows[1].date_expiration.has_value());
  REQUIRE(rows[2].error.has_value());  // malformed: a row error, then reading goes on
  CHECK(rows[2].row == 3);
  CHECK(rows[2].error->message().rfind("row 3 (line 4): column ", 0) == 0);
  CHECK(rows[2].error->message().find("invalid JSON") != std::string::npos);
  REQUIRE(rows[3].error.has_value());
  CHECK(rows[3].error->message() == "row 4 (line 5): expected a JSON object, found array");
  REQUIRE(rows[4].error.has_value());
  CHECK(rows[4].error->message() == "row 5 (line 6): files[1]: an empty path");
  CHECK(rows[4].error->subject() == "files");
  REQUIRE(rows[5].error.has_value());
  CHECK(rows[5].error->message() ==
        "row 6 (line 7): numero_unique: expected a string, found an integer");
  CHECK(rows[5].type == "t");  // the other columns are still read
  REQUIRE(rows[6].error.has_value());
  CHECK(rows[6].error->message() ==
        "row 7 (line 8): annee_revenus: expected an integer from 1900 to 2200, found 1800");
  REQUIRE(rows[7].error.has_value());
  CHECK(rows[7].error->message() == "row 8 (line 9): key 'type' appears twice in one object");
  CHECK_FALSE(rows[8].error.has_value());  // the last line, without a line break
  CHECK(rows[8].files_written == std::vector<std::string>{"z.pdf"});

  auto ndjson = open_ok(dir.write("m.NDJSON", ""));
  CHECK(ndjson->format() == ManifestFormat::jsonl);
  CHECK_FALSE(ndjson->next().value().has_value());
}

TEST_CASE("bulk manifest JSONL: too many files is the same error as in CSV") {
  TempDir dir;
  std::string files;
  for (int i = 0; i < 21; ++i) files += (i ? ",\"" : "\"") + std::to_string(i) + ".pdf\"";
  auto rows =
      read_all(dir.write("many.jsonl", "{\"numero_unique\":\"" + std::string(kN1) +
                                           "\",\"type\":\"t\",\"files\":[" + files + "]}\n"));
  REQUIRE(rows.size() == 1);
  REQUIRE(rows[0].error.has_value());
  CHECK(rows[0].error->message() == "row 1 (line 1): files: 21 files, at most 20 in one pli");
}

TEST_CASE("bulk manifest JSONL: a line over 1 MiB stops reading") {
  TempDir dir;
  auto m = open_ok(dir.write(
      "big.jsonl", "{\"type\":\"" + std::string(std::size_t{1} << 20, 'x') + "\"}\n{}\n"));
  auto r = m->next();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message() == dir / "big.jsonl" + ": line 1: a line over 1048576 bytes");
}

namespace {

std::vector<RowOutcome> outcomes(const TempDir& dir) {
  RowOutcome a;
  a.row = 1;
  a.numero_unique = kN1;
  a.type = "titre_sejour";
  a.files = {dir / "a, \"b\".pdf", dir / "sub/c\nd.jpg"};
  a.status = RowStatus::sent;
  a.transaction = "efbubexf9h6zb";
  a.attempts = 1;
  a.contexte = "mise-a-jour";
  a.date_emission = Date::from_ymd(2024, 1, 16).value();
  a.date_expiration = Date::from_ymd(2034, 1, 15).value();
  a.annee_revenus = 2023;
  a.idempotency_key = "sne-abc123";
  RowOutcome b;
  b.row = 2;
  b.numero_unique = kN2;
  b.type = "avis_imposition";
  b.files = {"/abs/x.pdf"};
  b.status = RowStatus::failed_permanent;
  b.error_code = "conflict";
  b.message = "the category avis_imposition is full, \"2 of 2\"";
  b.attempts = 3;
  return {a, b};
}

void round_trip(const std::string& report) {
  TempDir dir;
  const std::string path = dir / report;
  auto w = ReportWriter::open(path);
  REQUIRE(w.ok());
  const auto written = outcomes(dir);
  for (const auto& o : written) REQUIRE((*w)->add(o).ok());
  CHECK_FALSE(std::filesystem::exists(path));  // nothing under its name before close()
  REQUIRE((*w)->close().ok());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1);  // no temporary left

  const auto rows = read_all(path);
  REQUIRE(rows.size() == written.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    INFO("row ", i + 1);
    CHECK_FALSE(rows[i].error.has_value());
    CHECK(rows[i].row == written[i].row);
    CHECK(rows[i].numero_unique == written[i].numero_unique);
    CHECK(rows[i].type == written[i].type);
    CHECK(rows[i].files == written[i].files);
    CHECK(rows[i].contexte == written[i].contexte);
    CHECK(rows[i].date_emission == written[i].date_emission);
    CHECK(rows[i].date_expiration == written[i].date_expiration);
    CHECK(rows[i].annee_revenus == written[i].annee_revenus);
    CHECK(rows[i].idempotency_key == written[i].idempotency_key);
  }
}

}  // namespace

TEST_CASE("bulk report: CSV and JSONL read back as the same manifest") {
  SUBCASE("csv") { round_trip("report.csv"); }
  SUBCASE("jsonl") { round_trip("report.jsonl"); }
}

TEST_CASE("bulk report: the CSV header, quoting, status names and relative paths") {
  TempDir dir;
  const std::string path = dir / "r.csv";
  auto w = ReportWriter::open(path);
  REQUIRE(w.ok());
  RowOutcome o;
  o.row = 7;
  o.numero_unique = kN3;
  o.type = "t";
  o.files = {"rel.pdf"};
  o.status = RowStatus::already_sent;
  o.message = " spaced ";
  REQUIRE((*w)->add(o).ok());
  REQUIRE((*w)->close().ok());
  CHECK_FALSE((*w)->add(o).ok());
  std::ifstream in(path);
  std::string header, line;
  std::getline(in, header);
  std::getline(in, line);
  CHECK(header ==
        "row,numero_unique,type,files,status,transaction,error_code,message,attempts,contexte,"
        "date_emission,date_expiration,annee_revenus,pack,idempotency_key");
  CHECK(line == "7," + std::string(kN3) + ",t," +
                    (std::filesystem::current_path() / "rel.pdf").string() +
                    ",already_sent,,,\" spaced \",0,,,,,,");
  CHECK(to_string(RowStatus::pending) == "pending");
  CHECK(to_string(RowStatus::failed_transient) == "failed_transient");
  CHECK(to_string(RowStatus::skipped) == "skipped");
  // A report abandoned without close() leaves nothing.
  {
    auto dropped = ReportWriter::open(dir / "dropped.jsonl");
    REQUIRE(dropped.ok());
    REQUIRE((*dropped)->add(o).ok());
  }
  CHECK_FALSE(std::filesystem::exists(dir / "dropped.jsonl"));
  CHECK(ReportWriter::open(dir / "no/such/folder.csv").error().code() == ErrorCode::io);
}

TEST_CASE("bulk manifest: 200,000 rows read with memory that does not grow") {
  TempDir dir;
  const std::string csv_path = dir / "big.csv";
  const std::string jsonl_path = dir / "big.jsonl";
  constexpr int kRows = 200000;
  {
    std::ofstream csv(csv_path, std::ios::binary), jsonl(jsonl_path, std::ios::binary);
    csv << "numero_unique,type,files,contexte,date_emission,idempotency_key\n";
    for (int i = 0; i < kRows; ++i) {
      csv << kN1 << ",titre_sejour,\"scans/" << i << "-recto.jpg|scans/" << i
          << "-verso.jpg\",AJO,2024-01-16,key-" << i << "\n";
      jsonl << "{\"numero_unique\":\"" << kN2 << "\",\"type\":\"t\",\"files\":[\"scans/" << i
            << ".pdf\"],\"idempotency_key\":\"key-" << i << "\"}\n";
    }
  }
  for (const std::string& path : {csv_path, jsonl_path}) {
    INFO(path);
    auto m = open_ok(path);
    const long before = status_kib("VmRSS:");
    long peak = before;
    std::size_t rows = 0, errors = 0;
    for (;;) {
      auto r = m->next();
      REQUIRE(r.ok());
      if (!r->has_value()) break;
      ++rows;
      errors += (*r)->error.has_value();
      if (rows % 10000 == 0) peak = std::max(peak, status_kib("VmRSS:"));
    }
    CHECK(rows == kRows);
    CHECK(errors == 0);
    // The file is about 20 MB: a reader that kept it, or kept the rows, would grow by more.
    CHECK(before > 0);
    if (inspect::memory_limit_enforced())
      CHECK(peak - before < 4 * 1024);
    else  // AddressSanitizer's quarantine keeps freed memory: RSS says nothing there
      MESSAGE("RSS bound checked in the build without AddressSanitizer; here " << (peak - before)
                                                                               << " KiB");
  }
  // What the CSV reader held: the largest record, not the file.
  csv::Reader reader(stream::Input::open(csv_path).value());
  csv::Record record;
  std::size_t records = 0;
  while (reader.next(record) == csv::Outcome::record) ++records;
  CHECK(records == kRows + 1);
  CHECK(reader.peak_record_bytes() < 200);
}
