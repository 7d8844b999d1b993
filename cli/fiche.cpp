// sne fiche create|batch|parse: fiches de transmission.
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <unordered_set>

#include <fmt/format.h>

#include <sne/fiche.hpp>
#include <sne/version.hpp>

#include "commands.hpp"
#include "interrupt.hpp"

namespace sne::cli {

namespace {

/// The guichet printed on fiches: flags, else the profile's keys.
struct GuichetOptions {
  std::string guichet;
  std::string siret;
  std::string territoire;
  std::string date_generation;
};

Result<FicheInput> guichet_input(const GuichetOptions& o, Context& ctx) {
  FicheInput in;
  in.guichet = o.guichet;
  in.siret = o.siret;
  in.territoire = o.territoire;
  if (in.guichet.empty() || in.siret.empty() || in.territoire.empty()) {
    auto p = ctx.profile();
    if (!p) return p.error();
    const Profile& profile = (*p)->profile;
    if (in.guichet.empty()) in.guichet = profile.get("guichet").value_or("");
    if (in.siret.empty()) in.siret = profile.get("siret").value_or("");
    if (in.territoire.empty()) in.territoire = profile.get("territoire").value_or("");
  }
  for (const auto& [value, name] :
       {std::pair{&in.guichet, "guichet"}, {&in.siret, "siret"}, {&in.territoire, "territoire"}})
    if (value->empty())
      return Error(
          ErrorCode::invalid_input,
          fmt::format("{}: not given; pass --{} or set '{}' in the profile", name, name, name),
          name);
  in.date_generation = o.date_generation.empty() ? Date::today().iso() : o.date_generation;
  return in;
}

void add_guichet_options(CLI::App& verb, GuichetOptions& o) {
  verb.add_option("--guichet", o.guichet, "Code guichet (default: the profile's 'guichet')")
      ->type_name("CODE");
  verb.add_option("--siret", o.siret, "SIRET of the guichet (default: the profile's 'siret')")
      ->type_name("SIRET");
  verb.add_option("--territoire", o.territoire,
                  "Code territoire of the guichet (default: the profile's 'territoire')")
      ->type_name("CODE");
  verb.add_option("--date-generation", o.date_generation, "Date de génération (default: today)")
      ->type_name("YYYY-MM-DD");
}

FicheRenderOptions render_options() { return {fmt::format("sne {}", sne::version())}; }

Json fiche_json(const Fiche& f) {
  const ContexteInfo& c = info(f.contexte);
  return Json::object()
      .set("numero_unique", f.numero_unique)
      .set("contexte", c.name)
      .set("contexte_code", c.code)
      .set("guichet", f.guichet)
      .set("siret", f.siret)
      .set("territoire", f.territoire)
      .set("date_generation", f.date_generation.iso())
      .set("date_depot", f.date_depot ? Json(f.date_depot->iso()) : Json());
}

// ---- create -------------------------------------------------------------------------------

struct CreateOptions {
  GuichetOptions guichet;
  std::string numero;
  std::string contexte;
  std::string date_depot;
  std::string output;
};

CommandResult run_create(const CreateOptions& o, Context& ctx) {
  auto in = guichet_input(o.guichet, ctx);
  if (!in) return in.error();
  in->numero_unique = o.numero;
  in->contexte = o.contexte;
  in->date_depot = o.date_depot;
  auto fiche = make_fiche(*in);
  if (!fiche) return fiche.error();
  auto pdf = render_fiche_pdf(*fiche, render_options());
  if (!pdf) return pdf.error();
  if (auto st = write_file_atomically(o.output, *pdf); !st) return st.error();
  if (ctx.out().json()) {
    ctx.out().print(fiche_json(*fiche)
                        .set("file", o.output)
                        .set("bytes", pdf->size())
                        .set("payload", fiche_payload(*fiche)));
  } else {
    ctx.out().line(fmt::format("{}: fiche de transmission for {} ({}), {} bytes", o.output,
                               fiche->numero_unique, info(fiche->contexte).label, pdf->size()));
  }
  return kExitOk;
}

// ---- batch --------------------------------------------------------------------------------

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

struct BatchOptions {
  GuichetOptions guichet;
  std::string manifest;
  std::string output_dir;
  std::string merge;
};

/// Write failures that every later row would meet too: stop the batch instead of failing each.
bool affects_the_whole_folder(int err) {
  return err == ENOSPC || err == EROFS || err == EDQUOT || err == EIO || err == EACCES ||
         err == EPERM || err == ENOENT;
}

CommandResult run_batch(const BatchOptions& o, Context& ctx) {
  if (o.output_dir.empty() == o.merge.empty()) {
    ctx.out().usage_error("give either -o DIR (one PDF per row) or --merge FILE.pdf",
                          "see 'sne fiche batch --help'");
    return kExitUsage;
  }
  auto base = guichet_input(o.guichet, ctx);
  if (!base) return base.error();
  auto manifest = FicheManifest::open(o.manifest);
  if (!manifest) return manifest.error();
  if (!o.output_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.output_dir, ec);
    if (ec)
      return Error(ErrorCode::io, fmt::format("{}: {}", o.output_dir, ec.message()), o.output_dir);
  }

  InterruptGuard interrupt;
  std::size_t read = 0, written = 0, failed = 0;
  Json errors = Json::array();
  std::vector<Fiche> merged;
  // 64-bit hashes of the numéros done, to refuse a second row of the same demande: a few bytes
  // a row, so peak memory stays flat in practice (a collision, about one chance in 10^8 for a
  // million rows, would refuse a row wrongly, never overwrite a fiche).
  std::unordered_set<std::uint64_t> seen;
  auto fail = [&](std::size_t line, const std::string& input, const Error& e) {
    ++failed;
    if (ctx.out().json())
      errors.push(Json::object()
                      .set("line", line)
                      .set("input", input)
                      .set("error", e.message())
                      .set("field", e.subject()));
    else
      ctx.out().warning(fmt::format("{}: line {}: {}", o.manifest, line, e.message()));
  };
  // CLI.md: a periodic one-line summary on stderr during long batches.
  auto last_progress = std::chrono::steady_clock::now();
  auto progress = [&] {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress < std::chrono::seconds(5)) return;
    last_progress = now;
    ctx.out().note(fmt::format("fiche batch: {} rows read, {} fiches {}, {} failed", read,
                               o.merge.empty() ? written : merged.size(),
                               o.merge.empty() ? "written" : "ready", failed));
  };
  FicheRenderer renderer(render_options());
  Status fatal;
  while (!InterruptGuard::interrupted() && fatal) {
    progress();
    auto row = manifest->next();
    if (!row) {
      if (row.error().code() == ErrorCode::io) {
        fatal = row.error();
        break;
      }
      fail(manifest->line(), "", row.error());
      continue;
    }
    if (!*row) break;
    ++read;
    const FicheManifestRow& r = **row;
    FicheInput in = *base;
    in.numero_unique = r.numero_unique;
    in.contexte = r.contexte;
    in.date_depot = r.date_depot;
    auto fiche = make_fiche(in);
    if (!fiche) {
      fail(r.line, r.numero_unique, fiche.error());
      continue;
    }
    const std::uint64_t key = fnv1a(fiche->numero_unique);
    if (seen.count(key) != 0) {
      fail(r.line, r.numero_unique,
           Error(ErrorCode::invalid_input,
                 fmt::format("numero: {} already on an earlier line", fiche->numero_unique),
                 "numero"));
      continue;
    }
    if (!o.merge.empty()) {
      seen.insert(key);
      merged.push_back(std::move(*fiche));
      continue;
    }
    auto pdf = renderer.render(*fiche);
    if (!pdf) {
      fail(r.line, r.numero_unique, pdf.error());
      continue;
    }
    const std::string path = o.output_dir + "/" + fiche->numero_unique + ".pdf";
    if (auto st = write_file_atomically(path, *pdf); !st) {
      if (affects_the_whole_folder(errno))
        fatal = st;
      else
        fail(r.line, r.numero_unique, st.error());
      continue;
    }
    seen.insert(key);
    ++written;
  }
  if (fatal && !o.merge.empty() && !merged.empty() && !InterruptGuard::interrupted()) {
    auto pdf = render_fiches_pdf(merged, render_options());
    if (!pdf) return pdf.error();
    if (auto st = write_file_atomically(o.merge, *pdf); !st) return st.error();
    written = merged.size();
  }
  const std::string target = o.merge.empty() ? o.output_dir : o.merge;
  const std::string summary = fmt::format(
      "{} fiche{} written to {}, {} row{} failed{}", written, written == 1 ? "" : "s", target,
      failed, failed == 1 ? "" : "s", InterruptGuard::interrupted() ? " (interrupted)" : "");
  if (!fatal) {
    // The error goes out as the one document or line of the failure; the summary says what
    // was done before it.
    if (!ctx.out().json()) ctx.out().note(summary);
    return fatal.error();
  }
  if (ctx.out().json()) {
    ctx.out().print(Json::object()
                        .set("output", target)
                        .set("merged", !o.merge.empty())
                        .set("written", written)
                        .set("failed", failed)
                        .set("interrupted", InterruptGuard::interrupted())
                        .set("errors", std::move(errors)));
  } else {
    ctx.out().line(summary);
  }
  if (InterruptGuard::interrupted()) return kExitInterrupted;
  return failed > 0 ? kExitPartial : kExitOk;
}

// ---- parse --------------------------------------------------------------------------------

struct ParseOptions {
  std::string payload;
};

CommandResult run_parse(const ParseOptions& o, Context& ctx) {
  auto fiche = parse_fiche_payload(o.payload);
  if (!fiche) return fiche.error();
  if (ctx.out().json()) {
    ctx.out().print(fiche_json(*fiche));
    return kExitOk;
  }
  Table table({"CHAMP", "VALEUR"});
  table.add({"N° unique", fiche->numero_unique});
  table.add({"Contexte",
             fmt::format("{} - {}", info(fiche->contexte).code, info(fiche->contexte).label)});
  table.add({"Code guichet", fiche->guichet});
  table.add({"SIRET guichet", fiche->siret});
  table.add({"Code territoire", fiche->territoire});
  table.add({"Date de génération", fiche->date_generation.iso()});
  table.add({"Date de dépôt", fiche->date_depot ? fiche->date_depot->iso() : "-"});
  table.print(ctx.out());
  return kExitOk;
}

}  // namespace

void setup_fiche(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "fiche", "Fiches de transmission for paper sendings");

  auto c = std::make_shared<CreateOptions>();
  auto* create = noun->add_subcommand("create", "Make the fiche de transmission of one demande");
  create->add_option("--numero", c->numero, "Numéro unique of the demande")->required();
  create
      ->add_option("--contexte", c->contexte,
                   "Contexte: ajout, creation, renouvellement or mise-a-jour")
      ->required()
      ->type_name("CONTEXTE");
  add_guichet_options(*create, c->guichet);
  create->add_option("--date-depot", c->date_depot, "Date de dépôt (default: left blank)")
      ->type_name("YYYY-MM-DD");
  create->add_option("-o,--output", c->output, "PDF file to write")->required()->type_name("FILE");
  on_parsed(*create, ctx, c, run_create);

  auto b = std::make_shared<BatchOptions>();
  auto* batch = noun->add_subcommand("batch", "Make the fiches of every row of a CSV manifest");
  batch
      ->add_option("MANIFEST", b->manifest,
                   "CSV with the header numero_unique,contexte[,date_depot]")
      ->required()
      ->type_name("FILE");
  batch->add_option("-o,--output", b->output_dir, "Folder for one PDF per row, named NUMERO.pdf")
      ->type_name("DIR");
  batch->add_option("--merge", b->merge, "One PDF with a page per row instead")->type_name("FILE");
  add_guichet_options(*batch, b->guichet);
  on_parsed(*batch, ctx, b, run_batch);

  auto p = std::make_shared<ParseOptions>();
  auto* parse = noun->add_subcommand("parse", "Read the fields of a fiche's QR code payload");
  parse->add_option("PAYLOAD", p->payload, "The text of the QR code")->required();
  on_parsed(*parse, ctx, p, run_parse);
}

}  // namespace sne::cli
