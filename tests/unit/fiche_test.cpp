#include <doctest/doctest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "sne/fiche.hpp"

using namespace sne;

namespace {

FicheInput good_input() {
  return {"0340819000040PWP01", "ajout",     "PWP01", "13002072000038", "999",
          "2024-01-15",         "2024-01-16"};
}

Fiche good() { return make_fiche(good_input()).value(); }

std::string error_of(FicheInput in) {
  auto f = make_fiche(in);
  REQUIRE_FALSE(f.ok());
  CHECK(f.error().code() == ErrorCode::invalid_input);
  return f.error().message();
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1))
    ++n;
  return n;
}

struct TempDir {
  std::string path;
  TempDir() {
    char name[] = "/tmp/sne-fiche-test-XXXXXX";
    REQUIRE(::mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name, std::ios::binary) << text;
    return path + "/" + name;
  }
};

}  // namespace

TEST_CASE("fiche: a valid input gives canonical fields") {
  FicheInput in = good_input();
  in.numero_unique = " 0340819000040pwp01 ";
  in.contexte = "AJO";
  in.siret = "130 020 720 00038";
  const Fiche f = make_fiche(in).value();
  CHECK(f.numero_unique == "0340819000040PWP01");
  CHECK(f.contexte == Contexte::ajout);
  CHECK(f.siret == "13002072000038");
  CHECK(f.territoire == "999");
  CHECK(f.date_generation.iso() == "2024-01-15");
  CHECK(f.date_depot->iso() == "2024-01-16");
}

TEST_CASE("fiche: each invalid field is named") {
  FicheInput in = good_input();
  in.numero_unique = "0341319000040PWP01";
  CHECK(error_of(in) == "numero: month 13 is not 01-12");
  in = good_input();
  in.contexte = "suppression";
  CHECK(error_of(in).rfind("contexte: unknown contexte 'suppression'", 0) == 0);
  in = good_input();
  in.guichet = "pwp1";
  CHECK(error_of(in) == "guichet: 'pwp1' is not a code guichet (5 upper-case letters or digits)");
  in = good_input();
  in.siret = "13002072000039";
  CHECK(error_of(in) == "siret: SIRET fails its checksum (Luhn)");
  in = good_input();
  in.territoire = "099";
  CHECK(error_of(in) == "territoire: unknown territory '099'");
  in = good_input();
  in.date_generation = "15/01/2024";
  CHECK(error_of(in) == "date_generation: '15/01/2024' is not a date YYYY-MM-DD");
  in = good_input();
  in.date_depot = "2024-01-14";
  CHECK(error_of(in) == "date_depot: 2024-01-14 is before the date de génération 2024-01-15");
  in = good_input();
  in.date_depot = "";
  CHECK_FALSE(make_fiche(in)->date_depot.has_value());
  in.siret = "x";
  CHECK(make_fiche(in).error().subject() == "siret");
}

TEST_CASE("fiche payload: the documented layout, alphanumeric only") {
  const std::string p = fiche_payload(good());
  CHECK(p == "SNEFT1/0340819000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15/2024-01-16");
  for (char c : p)
    CHECK(std::string("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c) !=
          std::string::npos);
  FicheInput in = good_input();
  in.date_depot = "";
  CHECK(fiche_payload(make_fiche(in).value()) ==
        "SNEFT1/0340819000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15/");
}

TEST_CASE("fiche payload: round trip for every contexte and both dépôt cases") {
  for (const auto& c : contextes())
    for (const char* depot : {"", "2024-02-29"}) {
      FicheInput in = good_input();
      in.contexte = std::string(c.slug);
      in.date_depot = depot;
      const Fiche f = make_fiche(in).value();
      auto back = parse_fiche_payload(fiche_payload(f));
      REQUIRE(back.ok());
      CHECK(fiche_payload(*back) == fiche_payload(f));
      CHECK(back->contexte == c.value);
    }
}

TEST_CASE("fiche payload: malformed payloads are refused with the reason") {
  auto why = [](std::string_view p) { return parse_fiche_payload(p).error().message(); };
  CHECK(why("SNEFT2/0340819000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15/") ==
        "unknown version tag 'SNEFT2' (expected SNEFT1)");
  CHECK(why("SNEFT1/0340819000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15") ==
        "7 fields, expected 8");
  CHECK(why("SNEFT1/0341319000040PWP01/AJO/PWP01/13002072000038/999/2024-01-15/") ==
        "numero: month 13 is not 01-12");
  CHECK(why("SNEFT1/0340819000040pwp01/AJO/PWP01/13002072000038/999/2024-01-15/")
            .rfind("not in canonical form", 0) == 0);
  CHECK(why("SNEFT1/0340819000040PWP01/ajout/PWP01/13002072000038/999/2024-01-15/")
            .rfind("not in canonical form", 0) == 0);
  CHECK(why(std::string(300, 'A')) == "300 bytes, more than a fiche payload's 256");
  CHECK(why("") == "unknown version tag '' (expected SNEFT1)");
}

TEST_CASE("fiche pdf: one A4 page, reproducible, with its metadata") {
  FicheRenderOptions options;
  options.creator = "sne-test 1.2.3";
  const std::string a = render_fiche_pdf(good(), options).value();
  const std::string b = render_fiche_pdf(good(), options).value();
  CHECK(a == b);
  CHECK(a.rfind("%PDF-1.", 0) == 0);
  CHECK(count(a, "/MediaBox[ 0 0 595 842]") == 1);
  CHECK(count(a, "/FlateDecode") >= 1);
  CHECK(a.find("sne-test 1.2.3") != std::string::npos);
  CHECK(a.find("/CreationDate(D:20240115000000Z)") != std::string::npos);
  CHECK(a.find("/Widths") == std::string::npos);
  CHECK(a.size() < 4096);

  Fiche other = good();
  other.numero_unique = "0340819000041PWP01";
  CHECK(render_fiche_pdf(other, options).value() != a);
}

TEST_CASE("fiche pdf: a reused renderer gives the bytes of a fresh one") {
  Fiche second = good();
  second.numero_unique = "1110920020745G1175";
  second.contexte = Contexte::mise_a_jour;
  second.date_depot.reset();
  FicheRenderer renderer;
  const std::string a1 = renderer.render(good()).value();
  const std::string b = renderer.render(second).value();
  const std::string a2 = renderer.render(good()).value();
  CHECK(a1 == a2);
  CHECK(a1 == render_fiche_pdf(good()).value());
  CHECK(b == render_fiche_pdf(second).value());
  CHECK(a1 != b);
}

TEST_CASE("fiche pdf: several fiches make one document with a page each") {
  Fiche second = good();
  second.numero_unique = "1110920020745G1175";
  const std::string merged = render_fiches_pdf({good(), second, good()}).value();
  CHECK(count(merged, "/MediaBox[ 0 0 595 842]") == 3);
  CHECK(merged.find("/Count 3") != std::string::npos);
  auto none = render_fiches_pdf({});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code() == ErrorCode::invalid_input);
}

TEST_CASE("fiche manifest: header in any order, quoting, BOM, CRLF, blank lines") {
  TempDir dir;
  const std::string path = dir.write("m.csv",
                                     "\xEF\xBB\xBF"
                                     "Contexte,Numero_Unique,date_depot\r\n"
                                     "ajout,0340819000040PWP01,2024-01-16\r\n"
                                     "\r\n"
                                     "\"mise-a-jour\",\"1110920020745G1175\",\"\"\r\n"
                                     "creation,0690620007611G3163\r\n"
                                     "\"broken,0690620007611G3163,\r\n"
                                     "renouvellement,\"0690620007611G3163\",2024-02-01\r\n");
  auto m = FicheManifest::open(path);
  REQUIRE(m.ok());
  auto r1 = m->next().value();
  REQUIRE(r1.has_value());
  CHECK(r1->line == 2);
  CHECK(r1->numero_unique == "0340819000040PWP01");
  CHECK(r1->contexte == "ajout");
  CHECK(r1->date_depot == "2024-01-16");
  auto r2 = m->next().value();
  CHECK(r2->line == 4);
  CHECK(r2->contexte == "mise-a-jour");
  CHECK(r2->date_depot.empty());
  auto r3 = m->next();
  REQUIRE_FALSE(r3.ok());
  CHECK(r3.error().message() == "line 5: 2 columns, expected 3");
  auto r4 = m->next();
  REQUIRE_FALSE(r4.ok());
  CHECK(r4.error().message() == "line 6: broken quoting");
  auto r5 = m->next().value();
  CHECK(r5->line == 7);
  CHECK(r5->numero_unique == "0690620007611G3163");
  CHECK_FALSE(m->next().value().has_value());
}

TEST_CASE("fiche manifest: bad headers and files") {
  TempDir dir;
  CHECK(FicheManifest::open(dir.write("a.csv", "numero_unique,status\n")).error().message() ==
        dir.path +
            "/a.csv: line 1: column 'status' is unknown (expected numero_unique, contexte "
            "and optionally date_depot)");
  CHECK(FicheManifest::open(dir.write("b.csv", "numero_unique\n")).error().message() ==
        dir.path + "/b.csv: line 1: the header needs the columns numero_unique and contexte");
  CHECK(FicheManifest::open(dir.write("c.csv", "")).error().message().find("empty manifest") !=
        std::string::npos);
  CHECK(FicheManifest::open(dir.write("d.csv", "contexte,contexte,numero_unique\n"))
            .error()
            .message()
            .find("is repeated") != std::string::npos);
  auto missing = FicheManifest::open(dir.path + "/none.csv");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::io);
}

TEST_CASE("fiche: atomic writes leave either the whole file or nothing") {
  TempDir dir;
  const std::string path = dir.path + "/f.pdf";
  REQUIRE(write_file_atomically(path, "first").ok());
  REQUIRE(write_file_atomically(path, "second version").ok());
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "second version");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("fiche: a failed atomic write names the file and the cause in its error") {
  TempDir dir;
  // errno is not how the cause travels: a value left there must not matter.
  errno = 0;
  auto bad = write_file_atomically(dir.path + "/no/such/folder/f.pdf", "x");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::io);
  CHECK(bad.error().subject() == dir.path + "/no/such/folder/f.pdf");
  CHECK(bad.error().message() == dir.path + "/no/such/folder/f.pdf: cannot create a file in " +
                                     dir.path + "/no/such/folder: " + std::strerror(ENOENT));
  // A regular file where the folder should be: another cause, named as such.
  const std::string file = dir.write("plain", "x");
  auto not_dir = write_file_atomically(file + "/f.pdf", "x");
  REQUIRE_FALSE(not_dir.ok());
  CHECK(not_dir.error().code() == ErrorCode::io);
  CHECK(not_dir.error().message().find(std::strerror(ENOTDIR)) != std::string::npos);
  // A folder in the file's place: invalid input, and the folder is untouched.
  const std::string folder = dir.path + "/f.pdf";
  REQUIRE(::mkdir(folder.c_str(), 0700) == 0);
  auto onto_folder = write_file_atomically(folder, "x");
  REQUIRE_FALSE(onto_folder.ok());
  CHECK(onto_folder.error().code() == ErrorCode::invalid_input);
  CHECK(onto_folder.error().message() == folder + ": is a folder");
  // Nothing beside it either: no temporary file left in the folder.
  CHECK(std::system(("test \"$(ls -A " + dir.path + " | wc -l)\" = 2").c_str()) == 0);
}

TEST_CASE("fiche: as JSON, the contexte by name and code, a date de dépôt or null") {
  Fiche f = good();
  CHECK(to_json(f).dump(-1) ==
        R"({"numero_unique":"0340819000040PWP01","contexte":"ajout","contexte_code":"AJO",)"
        R"("guichet":"PWP01","siret":"13002072000038","territoire":"999",)"
        R"("date_generation":"2024-01-15","date_depot":"2024-01-16"})");
  f.date_depot.reset();
  CHECK(to_json(f).dump(-1).find(R"("date_depot":null})") != std::string::npos);
}
