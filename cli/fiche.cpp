// sne fiche create|batch|parse: fiches de transmission.
#include <chrono>
#include <cstdint>

#include <fmt/format.h>

#include <sne/fiche.hpp>
#include <sne/version.hpp>

#include "commands.hpp"
#include "i18n.hpp"
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
      return Error(ErrorCode::invalid_input,
                   tr(N_("{}: not given; pass --{} or set '{}' in the profile"), name, name, name),
                   name);
  in.date_generation = o.date_generation.empty() ? Date::today().iso() : o.date_generation;
  return in;
}

void add_guichet_options(CLI::App& verb, GuichetOptions& o) {
  verb.add_option("--guichet", o.guichet, _("Code guichet (default: the profile's 'guichet')"))
      ->type_name("CODE");
  verb.add_option("--siret", o.siret, _("SIRET of the guichet (default: the profile's 'siret')"))
      ->type_name("SIRET");
  verb.add_option("--territoire", o.territoire,
                  _("Code territoire of the guichet (default: the profile's 'territoire')"))
      ->type_name("CODE");
  verb.add_option("--date-generation", o.date_generation, _("Date de génération (default: today)"))
      ->type_name("YYYY-MM-DD");
}

FicheRenderOptions render_options() { return {fmt::format("sne {}", sne::version())}; }

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
    ctx.out().print(to_json(*fiche)
                        .set("file", o.output)
                        .set("bytes", pdf->size())
                        .set("payload", fiche_payload(*fiche)));
  } else {
    ctx.out().line(fmt::format(
        fmt::runtime(P_("{}: fiche de transmission for {} ({}), {} byte",
                        "{}: fiche de transmission for {} ({}), {} bytes", pdf->size())),
        o.output, fiche->numero_unique, info(fiche->contexte).label, human_number(pdf->size())));
  }
  return kExitOk;
}

// ---- batch --------------------------------------------------------------------------------

struct BatchOptions {
  GuichetOptions guichet;
  std::string manifest;
  std::string output_dir;
  std::string merge;
  int jobs = 0;  ///< 0: one per core
};

CommandResult run_batch(const BatchOptions& o, Context& ctx) {
  if (o.output_dir.empty() == o.merge.empty()) {
    ctx.out().usage_error(tr(N_("give either -o DIR (one PDF per row) or --merge FILE.pdf")),
                          _("see 'sne fiche batch --help'"));
    return kExitUsage;
  }
  auto base = guichet_input(o.guichet, ctx);
  if (!base) return base.error();

  InterruptGuard interrupt;
  Json errors = Json::array();
  // CLI.md: a periodic one-line summary on stderr during long batches.
  auto last_progress = std::chrono::steady_clock::now();
  FicheBatchOptions options;
  options.guichet = *base;
  options.output_dir = o.output_dir;
  options.merge = o.merge;
  options.render = render_options();
  options.cancel = &InterruptGuard::flag();
  options.on_row = [&](const FicheRowOutcome& row, const FicheBatchTally& tally) {
    if (row.error) {
      if (ctx.out().json())
        errors.push(to_json(row));
      else
        ctx.out().warning(fmt::format(fmt::runtime(_("{}: line {}: {}")), o.manifest, row.line,
                                      localized(row.error->message())));
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress < std::chrono::seconds(5)) return;
    last_progress = now;
    ctx.out().note(fmt::format(
        fmt::runtime(_("fiche batch: {}, {}, {} failed")),
        fmt::format(fmt::runtime(P_("{} row read", "{} rows read", tally.read)),
                    human_number(tally.read)),
        fmt::format(
            fmt::runtime(o.merge.empty() ? P_("{} fiche written", "{} fiches written", tally.done)
                                         : P_("{} fiche ready", "{} fiches ready", tally.done)),
            human_number(tally.done)),
        human_number(tally.failed)));
  };
  auto summary = FicheBatch(std::move(options)).run(o.manifest, o.jobs);
  if (!summary) return summary.error();
  const std::size_t written = summary->written, failed = summary->failed;
  const std::string summary_line = fmt::format(
      "{}, {}{}",
      fmt::format(fmt::runtime(P_("{} fiche written to {}", "{} fiches written to {}", written)),
                  human_number(written), summary->output),
      fmt::format(fmt::runtime(P_("{} row failed", "{} rows failed", failed)),
                  human_number(failed)),
      summary->interrupted ? _(" (interrupted)") : "");
  if (!summary->stopped) {
    // The error goes out as the one document or line of the failure; the summary says what
    // was done before it.
    if (!ctx.out().json()) ctx.out().note(summary_line);
    return summary->stopped.error();
  }
  if (ctx.out().json()) {
    ctx.out().print(to_json(*summary).set("errors", std::move(errors)));
  } else {
    ctx.out().line(summary_line);
  }
  if (summary->interrupted) return kExitInterrupted;
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
    ctx.out().print(to_json(*fiche));
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
  auto* noun = add_noun(root, "fiche", _("Fiches de transmission for paper sendings"));

  auto c = std::make_shared<CreateOptions>();
  auto* create = noun->add_subcommand("create", _("Make the fiche de transmission of one demande"));
  create->add_option("--numero", c->numero, _("Numéro unique of the demande"))->required();
  create
      ->add_option("--contexte", c->contexte,
                   _("Contexte: ajout, creation, renouvellement or mise-a-jour"))
      ->required()
      ->type_name("CONTEXTE");
  add_guichet_options(*create, c->guichet);
  create->add_option("--date-depot", c->date_depot, _("Date de dépôt (default: left blank)"))
      ->type_name("YYYY-MM-DD");
  create->add_option("-o,--output", c->output, _("PDF file to write"))
      ->required()
      ->type_name("FILE");
  on_parsed(*create, ctx, c, run_create);

  auto b = std::make_shared<BatchOptions>();
  auto* batch = noun->add_subcommand("batch", _("Make the fiches of every row of a CSV manifest"));
  batch
      ->add_option("MANIFEST", b->manifest,
                   _("CSV with the header numero_unique,contexte[,date_depot]"))
      ->required()
      ->type_name("FILE");
  batch->add_option("-o,--output", b->output_dir, _("Folder for one PDF per row, named NUMERO.pdf"))
      ->type_name("DIR");
  batch->add_option("--merge", b->merge, _("One PDF with a page per row instead"))
      ->type_name("FILE");
  batch
      ->add_option("-j,--jobs", b->jobs,
                   _("Fiches made at once with -o (default and 0: one per core; --merge uses one)"))
      ->type_name("N")
      ->check(CLI::Range(0, 64));
  add_guichet_options(*batch, b->guichet);
  on_parsed(*batch, ctx, b, run_batch);

  auto p = std::make_shared<ParseOptions>();
  auto* parse = noun->add_subcommand("parse", _("Read the fields of a fiche's QR code payload"));
  parse->add_option("PAYLOAD", p->payload, _("The text of the QR code"))->required();
  on_parsed(*parse, ctx, p, run_parse);
}

}  // namespace sne::cli
