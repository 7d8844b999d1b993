// The preflight: its checks on crafted files, and the isolation that turns a parser's crash,
// endless loop or runaway allocation into a rejected file.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <new>
#include <optional>
#include <stdexcept>
#include <vector>

#include <doctest/doctest.h>

#include "../support/samples.hpp"
#include "inspect/inspectors.hpp"
#include "inspect/isolate.hpp"
#include "sne/inspect.hpp"
#include "sne/inspect_files.hpp"

using namespace sne;
using namespace std::chrono_literals;

namespace {

InspectReport check(const std::string& bytes, InspectOptions options = {}) {
  return inspect_bytes(bytes, "sample", options);
}

InspectReport check_in_process(const std::string& bytes) {
  InspectOptions options;
  options.isolate = false;
  return inspect_bytes(bytes, "sample", options);
}

/// `decoded` spaces, deflated (zlib packs 1 MiB of them into about 1 KiB).
std::string deflated_spaces(std::size_t decoded) {
  z_stream z{};
  REQUIRE(deflateInit(&z, 9) == Z_OK);
  const std::string chunk(1 << 20, ' ');
  std::string packed;
  std::vector<unsigned char> out(1 << 16);
  auto pump = [&](std::size_t n, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(chunk.data()));
    z.avail_in = static_cast<uInt>(n);
    int rc = Z_OK;
    do {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      rc = deflate(&z, flush);
      packed.append(reinterpret_cast<char*>(out.data()), out.size() - z.avail_out);
    } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  };
  for (std::size_t left = decoded; left > 0; left -= std::min(left, chunk.size()))
    pump(std::min(left, chunk.size()), Z_NO_FLUSH);
  pump(0, Z_FINISH);
  deflateEnd(&z);
  return packed;
}

/// A PDF of `pages` pages that all show the same `streams` Flate streams of `decoded` spaces
/// each: a decompression bomb when `decoded` is large.
std::string flate_bomb_pdf(std::size_t decoded, int pages = 1, int streams = 1) {
  static std::map<std::size_t, std::string> cache;  // deflating 100 MiB takes half a second
  auto [at, fresh] = cache.try_emplace(decoded);
  if (fresh) at->second = deflated_spaces(decoded);
  const std::string& packed = at->second;
  std::vector<std::string> objects = {"<< /Type /Catalog /Pages 2 0 R >>", ""};
  std::string contents;
  for (int i = 0; i < streams; ++i) {
    contents += std::to_string(objects.size() + 1) + " 0 R ";
    objects.push_back("<< /Length " + std::to_string(packed.size()) +
                      " /Filter /FlateDecode >>\nstream\n" + packed + "\nendstream");
  }
  std::string kids;
  for (int i = 0; i < pages; ++i) {
    kids += std::to_string(objects.size() + 1) + " 0 R ";
    objects.push_back("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [" +
                      contents + "] >>");
  }
  objects[1] = "<< /Type /Pages /Kids [" + kids + "] /Count " + std::to_string(pages) + " >>";
  return samples::pdf(objects);
}

/// A one-page PDF whose page tree declares `count` as written.
std::string pdf_with_count(const std::string& count) {
  return samples::pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                       "<< /Type /Pages /Kids [3 0 R] /Count " + count + " >>",
                       "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"});
}

bool mentions(const std::vector<Finding>& findings, std::string_view code, std::string_view text) {
  for (const auto& f : findings)
    if (f.code == code && f.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE(
    "isolation: a fork server answers request after request, and ends on what would end a child") {
  using Kind = inspect::ChildOutcome::Kind;
  const inspect::ForkServer::Serve serve = [](std::string_view request) -> std::string {
    if (request == "crash") std::raise(SIGSEGV);
    if (request == "loop")
      for (volatile unsigned long n = 0;;) n = n + 1;
    if (request == "oom") throw std::bad_alloc();
    return "echo:" + std::string(request);
  };
  auto server = inspect::ForkServer::start(serve, {});
  REQUIRE(server);
  for (int i = 0; i < 50; ++i) {
    auto answer = server->call("n" + std::to_string(i), 2s);
    REQUIRE(answer.kind == Kind::finished);
    CHECK(answer.output == "echo:n" + std::to_string(i));
  }
  CHECK(server->served() == 50);
  auto crash = server->call("crash", 2s);
  CHECK(crash.kind == Kind::crashed);
  CHECK(crash.signal == SIGSEGV);
  CHECK_FALSE(server->alive());
  CHECK(server->call("n", 2s).kind == Kind::failed);  // gone: its owner starts another

  server = inspect::ForkServer::start(serve, {});
  REQUIRE(server);
  const auto start = std::chrono::steady_clock::now();
  CHECK(server->call("loop", 300ms).kind == Kind::timed_out);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
  CHECK_FALSE(server->alive());

  server = inspect::ForkServer::start(serve, {});
  REQUIRE(server);
  CHECK(server->call("oom", 2s).kind == Kind::out_of_memory);
  server = inspect::ForkServer::start(serve, {});
  REQUIRE(server);
  CHECK(server->call("after", 2s).output == "echo:after");
}

TEST_CASE("inspect: files inspected through a server are judged as without one") {
  InspectOptions options;
  auto server = inspect::start_inspection_server(options);
  REQUIRE(server);
  const std::string dir = std::filesystem::temp_directory_path() / "sne-inspect-served";
  std::filesystem::create_directories(dir);
  const std::string good = dir + "/good.pdf", cut = dir + "/cut.pdf";
  const std::string pdf = pdf_with_count("1");
  for (const auto& [path, data] : {std::pair{good, pdf}, std::pair{cut, pdf.substr(0, 40)}}) {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  for (int round = 0; round < 3; ++round)
    for (const auto& path : {good, cut}) {
      const InspectReport served = inspect::inspect_file_served(path, options, server.get());
      const InspectReport alone = inspect_file(path, options);
      CHECK(served.ok() == alone.ok());
      CHECK(served.pages == alone.pages);
      CHECK(served.problems.size() == alone.problems.size());
    }
  CHECK(server->served() == 6);
  std::filesystem::remove_all(dir);
}

TEST_CASE("isolation: a result, a crash, a loop, an exception") {
  using Kind = inspect::ChildOutcome::Kind;
  auto done = inspect::run_isolated([] { return std::string(100000, 'x'); }, {});
  CHECK(done.kind == Kind::finished);
  CHECK(done.output.size() == 100000);

  auto crash = inspect::run_isolated(
      [] {
        std::raise(SIGSEGV);
        return std::string("unreachable");
      },
      {});
  CHECK(crash.kind == Kind::crashed);
  CHECK(crash.signal == SIGSEGV);
  CHECK(crash.output.empty());

  const auto start = std::chrono::steady_clock::now();
  auto loop = inspect::run_isolated(
      [] {
        volatile unsigned long n = 0;
        for (;;) n = n + 1;
        return std::string();
      },
      {300ms, 0});
  CHECK(loop.kind == Kind::timed_out);
  CHECK(std::chrono::steady_clock::now() - start < 5s);

  auto thrown = inspect::run_isolated(
      []() -> std::string { throw std::runtime_error("parser gave up"); }, {});
  CHECK(thrown.kind == Kind::failed);

  auto oom = inspect::run_isolated([]() -> std::string { throw std::bad_alloc(); }, {});
  CHECK(oom.kind == Kind::out_of_memory);

  auto too_long = inspect::run_isolated([] { return std::string(3 << 20, 'x'); }, {});
  CHECK(too_long.kind == Kind::failed);
}

// Skipped, and counted as skipped in doctest's summary, where the limit is not enforced (under
// AddressSanitizer: see memory_limit_enforced()).
TEST_CASE("isolation: the memory limit stops a runaway allocation" *
          doctest::skip(!inspect::memory_limit_enforced())) {
  auto outcome = inspect::run_isolated(
      [] {
        std::vector<std::vector<char>> hog;
        for (;;) hog.emplace_back(16 << 20, 'x');  // touched, so truly allocated
        return std::string();
      },
      {10s, 64u << 20});
  CHECK(outcome.kind == inspect::ChildOutcome::Kind::out_of_memory);
}

TEST_CASE("detect_format reads the bytes, not the name") {
  CHECK(detect_format("%PDF-1.7\n") == Format::pdf);
  CHECK(detect_format(std::string(1000, ' ') + "%PDF-1.4") == Format::pdf);
  CHECK_FALSE(detect_format(std::string(1100, ' ') + "%PDF-1.4").has_value());
  CHECK(detect_format("\xFF\xD8\xFF\xE0") == Format::jpeg);
  CHECK(detect_format(std::string("\x89PNG\r\n\x1a\n", 8)) == Format::png);
  CHECK_FALSE(detect_format("GIF89a").has_value());
  CHECK_FALSE(detect_format("").has_value());
  CHECK_FALSE(detect_format("\xFF\xD8").has_value());
}

TEST_CASE("resolution: declared when plausible, estimated as A4 otherwise") {
  inspect::Parsed p;
  inspect::set_resolution(2480, 3508, 300, 300, p);
  CHECK(*p.dpi == 300);
  CHECK(p.dpi_source == "declared");
  inspect::Parsed camera;  // a phone photo "at 72 dpi" would be a 42-inch document
  inspect::set_resolution(3024, 4032, 72, 72, camera);
  CHECK(camera.dpi_source == "estimated");
  CHECK(*camera.dpi == doctest::Approx(344.9).epsilon(0.01));
  inspect::Parsed none;
  inspect::set_resolution(827, 1169, 0, 0, none);
  CHECK(*none.dpi == doctest::Approx(100).epsilon(0.01));
  inspect::Parsed card;  // an identity card scanned at 300 dpi: 3.4 x 2.1 inches
  inspect::set_resolution(1012, 638, 300, 300, card);
  CHECK(card.dpi_source == "declared");
}

TEST_CASE("the child's findings cross the pipe intact") {
  inspect::Parsed p;
  p.pages = 3;
  p.declared_pages = 9;
  p.dpi = 212.5;
  p.dpi_source = "estimated";
  p.problem("pdf_invalid", "broken \"quoted\" \xC3\xA9");
  p.warning("pdf_damaged", "repaired");
  auto back = inspect::decode(inspect::encode(p));
  REQUIRE(back.has_value());
  CHECK(back->pages == 3);
  CHECK(back->declared_pages == 9);
  CHECK(*back->dpi == 212.5);
  CHECK(back->problems.at(0).message == p.problems[0].message);
  CHECK(back->warnings.at(0).code == "pdf_damaged");
  CHECK_FALSE(inspect::decode("{\"pages\": \"x\"}").has_value());
  CHECK_FALSE(inspect::decode("").has_value());
}

TEST_CASE("PDF: a good one, counted pages, forged /Count, no pages") {
  auto good = check(samples::text_pdf(3));
  CHECK(good.ok());
  CHECK(good.format == Format::pdf);
  CHECK(good.pages == 3);
  CHECK(good.warnings.empty());
  CHECK_FALSE(good.dpi.has_value());  // born digital: no scan resolution

  auto forged = check(samples::text_pdf(2, 100000));
  CHECK(forged.ok());
  CHECK(forged.pages == 2);
  CHECK(forged.declared_pages == 100000);
  CHECK(forged.has_warning(warning::pdf_count_mismatch));

  auto empty = check(
      samples::pdf({"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"}));
  CHECK(empty.has_problem(problem::pdf_no_pages));
}

TEST_CASE("PDF: a /Count that is no number of pages is refused, reported as written") {
  for (const std::string count : {"-5", "2.5", "(abc)", "/Two", "-1"}) {
    CAPTURE(count);
    for (const auto& report :
         {check(pdf_with_count(count)), check_in_process(pdf_with_count(count))}) {
      CHECK(report.has_problem(problem::pdf_invalid));
      CHECK(mentions(report.problems, problem::pdf_invalid, "/Count " + count + ":"));
      CHECK(report.pages == 1);
      CHECK_FALSE(report.has_warning(warning::pdf_count_mismatch));
    }
  }
  CHECK(check(pdf_with_count("-5")).declared_pages == -5);
  CHECK_FALSE(check(pdf_with_count("2.5")).declared_pages.has_value());
  CHECK(check(pdf_with_count("1")).ok());
  CHECK(check(pdf_with_count("0")).has_warning(warning::pdf_count_mismatch));
}

TEST_CASE("PDF: content decoding stops at a budget proportional to the page count") {
  // 100 MiB of content on one page: past the floor of 64 MiB. The file is judged on what was
  // read (here: fine) and the verdict says that decoding stopped.
  const std::string bomb = flate_bomb_pdf(std::size_t{100} << 20);
  CHECK(bomb.size() < 200'000);
  InspectOptions tight;
  tight.memory_limit = 256u << 20;  // the whole content would not even fit beside the parser
  for (const auto& report : {check(bomb, tight), check_in_process(bomb)}) {
    CHECK(report.ok());
    CHECK(report.pages == 1);
    CHECK(mentions(report.warnings, warning::pdf_partly_read, "judged on what was read"));
    CHECK(mentions(report.warnings, warning::pdf_partly_read, "64 MiB"));
    CHECK_FALSE(report.has_warning(warning::pdf_damaged));  // our stop is no repair
  }
  CHECK(to_json(check(bomb, tight)).dump().find("pdf_partly_read") != std::string::npos);

  // The same stream shown by 8 pages: a budget of 8 x 16 MiB, and the stream decoded once.
  auto eight = check(flate_bomb_pdf(std::size_t{100} << 20, 8));
  CHECK(eight.ok());
  CHECK(eight.pages == 8);
  CHECK(eight.warnings.empty());

  // Under the budget: read whole, no warning.
  auto small = check(flate_bomb_pdf(std::size_t{10} << 20));
  CHECK(small.ok());
  CHECK(small.warnings.empty());

  // 6 streams of 100 MiB on 40 pages: 600 MiB stops at the ceiling of 512 MiB (not 40 x 16),
  // without holding the content in memory.
  auto big = check(flate_bomb_pdf(std::size_t{100} << 20, 40, 6), tight);
  CHECK(big.ok());
  CHECK(mentions(big.warnings, warning::pdf_partly_read, "512 MiB"));
}

TEST_CASE("PDF: hostile structures are rejected, never trusted") {
  // A page tree that contains itself.
  auto loop = check(samples::pdf({"<< /Type /Catalog /Pages 2 0 R >>",
                                  "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                                  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}));
  CHECK(loop.has_problem(problem::pdf_invalid));

  // Arrays nested far deeper than any reader's stack should allow.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto nested = check(samples::pdf({"<< /Type /Catalog /Pages 2 0 R /X " + deep + " >>",
                                    "<< /Type /Pages /Kids [] /Count 0 >>"}));
  CHECK(nested.has_problem(problem::pdf_invalid));

  // Garbage after the header; a cut file.
  CHECK(check("%PDF-1.4\n" + std::string(5000, '\x01')).has_problem(problem::pdf_invalid));
  const std::string whole = samples::text_pdf(1);
  CHECK_FALSE(check(whole.substr(0, whole.size() / 2)).ok());

  // Encryption dictionaries with fields of the wrong shape (PoDoFo 0.9.8 crashes on such).
  for (const std::string& encrypt :
       {std::string("<< /Filter /Standard /V 5 /R 6 /Length 256 /O (x) /U (y) /P -4 >>"),
        std::string("<< /Filter /Standard /V 2 /R 3 /Length 999999 /O 5 /U [1] /P (p) >>"),
        std::string("<< /Filter /Standard /V 4 /R 4 /CF << /StdCF 7 >> /StmF /StdCF >>")}) {
    std::string bytes = samples::text_pdf(1);
    const auto trailer = bytes.find("/Root 1 0 R");
    bytes.insert(trailer, "/Encrypt " + encrypt + " /ID [<00> <00>] ");
    CHECK(check(bytes).has_problem(problem::pdf_invalid));
  }
}

TEST_CASE("images: resolution, truncation, bombs") {
  auto scan = check(samples::png(1240, 1754, 5906));  // 150 dpi
  CHECK(scan.ok());
  CHECK(scan.format == Format::png);
  CHECK(*scan.dpi == 150);
  CHECK(scan.dpi_source == "declared");
  CHECK(scan.warnings.empty());

  auto coarse = check(samples::png(620, 877, 2953));  // 75 dpi
  CHECK(coarse.ok());
  CHECK(coarse.has_warning(warning::low_resolution));

  const std::string whole = samples::png(400, 400);
  auto cut = check(whole.substr(0, whole.size() - 100));
  CHECK(cut.has_problem(problem::image_truncated));

  std::string bad_crc = whole;
  bad_crc[29] = static_cast<char>(bad_crc[29] ^ 0x55);  // IHDR's CRC
  CHECK(check(bad_crc).has_problem(problem::image_invalid));

  // An IHDR claiming 100000 x 100000 pixels: refused before any allocation.
  std::string bomb = "\x89PNG\r\n\x1a\n", ihdr;
  samples::put32(ihdr, 100000);
  samples::put32(ihdr, 100000);
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);
  samples::png_chunk(bomb, "IHDR", ihdr);
  samples::png_chunk(bomb, "IEND", "");
  CHECK(check(bomb).has_problem(problem::image_too_large));

  auto photo = check(samples::jpeg(1654, 2339, 200));
  CHECK(photo.ok());
  CHECK(photo.format == Format::jpeg);
  CHECK(*photo.dpi == 200);
  const std::string jpeg = samples::jpeg(800, 600);
  auto truncated = check(jpeg.substr(0, jpeg.size() / 2));
  CHECK(truncated.has_problem(problem::image_truncated));
  CHECK(check(jpeg.substr(0, 20)).has_problem(problem::image_invalid));
}

TEST_CASE("catalog checks: type, format, size") {
  auto catalog = Catalog::from_json(R"({
    "schema": 1, "version": "test-1", "source": "tests",
    "defaults": {"formats": ["pdf", "png"], "max_bytes": 100000, "max_pieces": 2},
    "rubriques": [{"code": "ressources", "label": "Ressources", "types": [
      {"code": "avis", "label": "Avis", "perimetre": "reglementaire",
       "validity": {"rule": "none"}, "sensitive": false, "formats": ["pdf"], "max_bytes": 900},
      {"code": "recu", "label": "Reçu", "perimetre": "hors_perimetre",
       "validity": {"rule": "none"}, "sensitive": false}]}]})");
  REQUIRE(catalog.ok());
  InspectOptions options;
  options.catalog = &*catalog;
  options.type = "avis";
  auto png = check(samples::png(100, 100), options);
  CHECK(png.has_problem(problem::format_not_accepted));
  auto big = check(samples::text_pdf(4), options);
  CHECK(big.has_problem(problem::too_large));
  options.type = "nope";
  CHECK(check(samples::text_pdf(1), options).has_problem(problem::unknown_type));
  options.type = "recu";
  auto hors = check(samples::text_pdf(1), options);
  CHECK(hors.ok());
  CHECK(hors.has_warning(warning::hors_perimetre));
  options.type.clear();
  CHECK(check(samples::jpeg(10, 10), options).has_problem(problem::format_not_accepted));
  CHECK(check("", options).has_problem(problem::empty_file));
  CHECK(check("just text", options).has_problem(problem::unknown_format));
}

TEST_CASE("isolated and in-process inspections agree") {
  for (const std::string& bytes :
       {samples::text_pdf(2, 7), samples::png(300, 200, 3000), samples::jpeg(64, 64, 96)}) {
    auto a = check(bytes);
    auto b = check_in_process(bytes);
    CHECK(a.pages == b.pages);
    CHECK(a.dpi == b.dpi);
    CHECK(a.problems.size() == b.problems.size());
    CHECK(a.warnings.size() == b.warnings.size());
  }
}

TEST_CASE("inspect_file: unreadable paths are findings, not failures") {
  CHECK(inspect_file("/nonexistent/piece.pdf").has_problem(problem::file_unreadable));
  CHECK(inspect_file("/").has_problem(problem::file_unreadable));
}

TEST_CASE("inspect: a type the catalog lacks is a problem naming the type, not a command") {
  const std::string dir = std::filesystem::temp_directory_path() / "sne-inspect-unknown-type";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/good.pdf";
  std::ofstream(path, std::ios::binary) << pdf_with_count("1");
  InspectOptions options;
  options.type = "no_such_type";
  const InspectReport r = inspect_file(path, options);
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].code == "unknown_type");
  CHECK(r.problems[0].message == "piece type 'no_such_type' is not in the plan de classement " +
                                     std::string(Catalog::builtin().version()));
  std::filesystem::remove_all(dir);
}

namespace {

/// A folder of files for inspect_files(), removed at the end of the test.
struct FileMix {
  std::string dir =
      std::filesystem::temp_directory_path() / ("sne-inspect-files-" + std::to_string(::getpid()));
  std::vector<std::string> paths;
  FileMix() { std::filesystem::create_directories(dir); }
  ~FileMix() { std::filesystem::remove_all(dir); }
  void add(const std::string& name, const std::string& data) {
    const std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << data;
    paths.push_back(path);
  }
};

std::vector<std::string> inspected(const std::vector<std::string>& paths,
                                   const InspectOptions& options, int jobs) {
  std::vector<std::string> out;
  const InspectFilesSummary done = inspect_files(
      paths, options, jobs, [&](const InspectReport& r) { out.push_back(to_json(r).dump(-1)); });
  CHECK(done.files == paths.size());
  CHECK_FALSE(done.interrupted);
  return out;
}

}  // namespace

TEST_CASE("inspect_files: every report, in the order of the paths, whatever the jobs") {
  FileMix mix;
  const std::string pdf = samples::text_pdf(2);
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(i);
    mix.add(n + "good.pdf", samples::text_pdf(1 + i % 3));
    mix.add(n + "cut.pdf", pdf.substr(0, 60 + static_cast<std::size_t>(i)));
    mix.add(n + "scan.png", samples::png(200 + static_cast<std::uint32_t>(i), 300, 5906));
    mix.add(n + "scan.jpg", samples::jpeg(300 + 40 * (i % 5), 200, 72));
    mix.add(n + "empty.pdf", "");
    mix.add(n + "text.pdf", "not a pdf " + n);
    mix.paths.push_back(mix.dir + "/" + n + "missing.pdf");
  }
  InspectOptions options;
  std::vector<std::string> expected;
  for (const auto& path : mix.paths)
    expected.push_back(to_json(inspect_file(path, options)).dump(-1));
  CHECK(inspected(mix.paths, options, 1) == expected);
  CHECK(inspected(mix.paths, options, 3) == expected);
  CHECK(inspected(mix.paths, options, 0) == expected);  // one per core
  options.isolate = false;  // the parsers in this process, on several threads
  CHECK(inspected(mix.paths, options, 4) == expected);
}

TEST_CASE("inspect_files: a file that outlasts the time limit ends its server, not the run") {
  FileMix mix;
  for (int i = 0; i < 4; ++i) {
    mix.add(std::to_string(i) + "big.jpg", samples::jpeg(4000, 4000, 300));  // 16 Mpx to decode
    mix.add(std::to_string(i) + "empty.pdf", "");
    mix.add(std::to_string(i) + "text.pdf", "not a pdf");
  }
  InspectOptions options;
  options.time_limit = 5ms;  // each big JPEG kills its server; a fresh one takes the next file
  for (int jobs : {1, 3}) {
    std::vector<InspectReport> reports;
    const auto start = std::chrono::steady_clock::now();
    inspect_files(mix.paths, options, jobs, [&](const InspectReport& r) { reports.push_back(r); });
    CHECK(std::chrono::steady_clock::now() - start < 10s);
    REQUIRE(reports.size() == mix.paths.size());
    for (std::size_t i = 0; i < reports.size(); ++i) {
      CHECK(reports[i].file == mix.paths[i]);
      const std::string_view code = i % 3 == 0   ? problem::unreadable
                                    : i % 3 == 1 ? problem::empty_file
                                                 : problem::unknown_format;
      REQUIRE(reports[i].problems.size() == 1);
      CHECK(reports[i].problems[0].code == code);
      if (i % 3 == 0) CHECK(mentions(reports[i].problems, code, "time limit"));
    }
  }
}

TEST_CASE("inspect_files: cancelled, it stops pulling paths and reports a prefix in order") {
  FileMix mix;
  for (int i = 0; i < 40; ++i) mix.add(std::to_string(i) + ".png", samples::png(300, 400, 5906));
  std::atomic<bool> cancel{false};
  std::vector<std::string> files;
  std::size_t pulled = 0;
  const InspectFilesSummary done = inspect_files(
      [&]() -> std::optional<std::string> {
        if (pulled == mix.paths.size()) return std::nullopt;
        return mix.paths[pulled++];
      },
      InspectOptions(), 2,
      [&](const InspectReport& r) {
        files.push_back(r.file);
        if (files.size() == 3) cancel = true;
      },
      &cancel);
  CHECK(done.interrupted);
  CHECK(done.files == files.size());
  CHECK(files.size() >= 3);
  CHECK(pulled < mix.paths.size());  // the window is bounded: not everything was pulled
  for (std::size_t i = 0; i < files.size(); ++i) CHECK(files[i] == mix.paths[i]);

  // What the callback throws comes out of inspect_files, its threads joined.
  CHECK_THROWS_AS(inspect_files(mix.paths, InspectOptions(), 2,
                                [](const InspectReport&) { throw std::runtime_error("stop"); }),
                  std::runtime_error);
}
