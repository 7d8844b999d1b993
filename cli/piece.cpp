// sne piece types|check|pack: the plan de classement, the preflight of files before
// sending them, and scans packed into one piece PDF.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include <fmt/format.h>

#include <sne/catalog.hpp>
#include <sne/dossier.hpp>
#include <sne/inspect.hpp>
#include <sne/inspect_files.hpp>
#include <sne/numero.hpp>
#include <sne/pack.hpp>
#include <sne/records_json.hpp>
#include <sne/send.hpp>
#include <sne/text.hpp>

#include "commands.hpp"
#include "confirm.hpp"
#include "i18n.hpp"
#include "interrupt.hpp"

namespace sne::cli {

namespace {

/// "FLAG: MESSAGE", a message of libsne after a flag's name, in English; its translation
/// remembered with the message's own.
std::string after_flag(std::string_view flag, const std::string& message) {
  std::string english = fmt::format("{}: {}", flag, message);
  // TRANSLATORS: a flag's name, then what is wrong with its value.
  remember_localized(english, fmt::format(fmt::runtime(_("{}: {}")), flag, localized(message)));
  return english;
}

struct TypesOptions {
  std::string catalog;
};

std::string notes(const PieceType& t) {
  std::string out;
  auto add = [&](std::string_view note) {
    if (!out.empty()) out += ", ";
    out += note;
  };
  if (t.required == Requirement::enregistrement) add("requis (enregistrement)");
  if (t.required == Requirement::instruction) add("requis (instruction)");
  if (t.sensitive) add("sensible");
  return out;
}

CommandResult run_types(const TypesOptions& opts, Context& ctx) {
  auto catalog = ctx.catalog(opts.catalog);
  if (!catalog) return catalog.error();
  const Catalog& c = **catalog;
  if (ctx.out().json()) {
    // The schema of catalog files: this output can be edited and loaded back with --catalog.
    ctx.out().line(c.to_json());
    return kExitOk;
  }
  ctx.out().line(ctx.out().paint(
      fmt::format(fmt::runtime(_("Plan de classement {} — {} in {}")), c.version(),
                  fmt::format(fmt::runtime(P_("{} type", "{} types", c.type_count())),
                              human_number(c.type_count())),
                  fmt::format(fmt::runtime(P_("{} rubrique", "{} rubriques", c.rubriques().size())),
                              human_number(c.rubriques().size()))),
      Style::bold));
  for (const auto& r : c.rubriques()) {
    ctx.out().line("");
    ctx.out().line(ctx.out().paint(fmt::format("{} [{}]", r.label, r.code), Style::bold));
    Table table({"CODE", "MAX", "PÉRIMÈTRE", "VALIDITÉ", "LIBELLÉ"});
    for (const auto& t : r.types) {
      const std::string n = notes(t);
      table.add(
          {t.code, fmt::format("{}", t.max_pieces),
           t.perimetre == Perimetre::reglementaire ? "réglementaire" : "hors périmètre",
           t.validity.describe_fr(), n.empty() ? t.label : fmt::format("{} — {}", t.label, n)},
          {Style::plain, Style::plain,
           t.perimetre == Perimetre::reglementaire ? Style::plain : Style::warn});
    }
    table.print(ctx.out());
  }
  return kExitOk;
}

struct CheckOptions {
  std::vector<std::string> files;
  std::string type;
  std::string catalog;
  double min_dpi = 150;
  int jobs = 0;  ///< 0: one per core
};

/// "pdf, 2 pages, 1.2 MiB, 300 dpi": what was learnt of the file.
std::string facts_text(const InspectReport& r) {
  std::vector<std::string> facts;
  if (r.has_problem(problem::file_unreadable)) return "";
  if (r.format) facts.emplace_back(to_string(*r.format));
  if (r.pages > 0 && r.format == Format::pdf)
    facts.push_back(fmt::format(fmt::runtime(P_("{} page", "{} pages", r.pages)),
                                human_number(static_cast<std::uint64_t>(r.pages))));
  facts.push_back(format_size(r.bytes));
  if (r.dpi)
    facts.push_back(fmt::format(
        fmt::runtime(r.dpi_source == "estimated" ? _("about {:.0f} dpi") : _("{:.0f} dpi")),
        *r.dpi));
  std::string out;
  for (const auto& f : facts) out += (out.empty() ? "" : ", ") + f;
  return out;
}

/// A JSON array printed item by item as the items come, in the very bytes Output::print would
/// give the whole array: the reports of 100,000 files are never held together.
class JsonArrayStream {
 public:
  void push(const Json& item) {
    // The item indented one level deeper, as inside Json::dump(2).
    std::string chunk = count_++ == 0 ? "[\n  " : ",\n  ";
    for (char c : item.dump(2)) {
      chunk += c;
      if (c == '\n') chunk += "  ";
    }
    (void)std::fwrite(chunk.data(), 1, chunk.size(), stdout);
  }
  void close() const { (void)std::fputs(count_ == 0 ? "[]\n" : "\n]\n", stdout); }

 private:
  std::size_t count_ = 0;
};

CommandResult run_check(const CheckOptions& opts, Context& ctx) {
  auto catalog = ctx.catalog(opts.catalog);
  if (!catalog) return catalog.error();
  InspectOptions options;
  options.catalog = catalog->get();
  options.type = opts.type;
  options.min_dpi = opts.min_dpi;
  InterruptGuard interrupt;
  JsonArrayStream results;
  int rejected = 0, warned = 0, count = 0;
  const auto& out = ctx.out();
  // The verdicts in one column: as wide as the widest in the language in use.
  std::string verdicts[] = {_("rejected"), _("warning"), _("ok")};
  std::size_t verdict_width = 0;
  for (const auto& v : verdicts) verdict_width = std::max(verdict_width, display_width(v));
  for (auto& v : verdicts) v.append(verdict_width - display_width(v), ' ');
  auto print = [&](const InspectReport& r) {
    ++count;
    if (!r.ok())
      ++rejected;
    else if (!r.warnings.empty())
      ++warned;
    if (out.json()) {
      results.push(to_json(r));
      return;
    }
    const std::string verdict = !r.ok()               ? out.paint(verdicts[0], Style::bad)
                                : !r.warnings.empty() ? out.paint(verdicts[1], Style::warn)
                                                      : out.paint(verdicts[2], Style::ok);
    const std::string facts = facts_text(r);
    out.line(
        fmt::format("{} {}{}", verdict, one_line(r.file), facts.empty() ? "" : " (" + facts + ")"));
    for (const auto& p : r.problems) {
      const std::string_view hint = hint_for_problem(p.code);
      // The problem's code stays as --json gives it; its message and hint in the language in use.
      out.line(fmt::format(
          fmt::runtime(_("  {} {}: {}{}")), out.paint("✗", Style::bad), p.code,
          one_line(localized(p.message)),
          hint.empty() ? ""
                       : fmt::format(" ({})", localized(translate(std::string(hint).c_str())))));
    }
    for (const auto& w : r.warnings)
      out.line(fmt::format(fmt::runtime(_("  {} {}: {}")), out.paint("!", Style::warn), w.code,
                           one_line(localized(w.message))));
  };
  // No more jobs (each a forked inspection server) than files, when they are all named here.
  int jobs = opts.jobs > 0 ? opts.jobs : inspect_default_jobs();
  if (std::find(opts.files.begin(), opts.files.end(), "-") == opts.files.end())
    jobs = std::min(jobs, static_cast<int>(opts.files.size()));
  // In the order given, whatever the number of jobs: the output is the same bytes.
  const InspectFilesSummary done =
      inspect_files(stream_stdin(opts.files), options, jobs, print, &InterruptGuard::flag());
  if (out.json())
    results.close();
  else if (count > 1)
    out.line(fmt::format(fmt::runtime(P_("{} file: {} ok, {} with warnings, {} rejected",
                                         "{} files: {} ok, {} with warnings, {} rejected", count)),
                         human_number(static_cast<std::uint64_t>(count)),
                         human_number(static_cast<std::uint64_t>(count - rejected - warned)),
                         human_number(static_cast<std::uint64_t>(warned)),
                         human_number(static_cast<std::uint64_t>(rejected))));
  if (done.interrupted) {
    out.note(fmt::format(
        fmt::runtime(
            P_("interrupted: {} file checked; the files after the last one shown were not",
               "interrupted: {} files checked; the files after the last one shown were not",
               done.files)),
        human_number(done.files)));
    return kExitInterrupted;
  }
  return rejected == 0 ? kExitOk : kExitInvalid;
}

// ---- pack ---------------------------------------------------------------------------------

struct PackCliOptions {
  std::vector<std::string> images;
  std::string output;
  bool force = false;
};

std::string_view orientation_label(int orientation) {
  // TRANSLATORS: the orientations of a scan, as its EXIF tag says.
  constexpr std::array<const char*, 9> kLabels{"",
                                               N_("upright"),
                                               N_("mirrored"),
                                               N_("rotated 180°"),
                                               N_("flipped"),
                                               N_("transposed"),
                                               N_("rotated 90° cw"),
                                               N_("transverse"),
                                               N_("rotated 90° ccw")};
  return translate(orientation >= 1 && orientation <= 8
                       ? kLabels[static_cast<std::size_t>(orientation)]
                       : kLabels[1]);
}

std::string dpi_text(const PackedPage& p) {
  const std::string dpi = p.dpi_x == p.dpi_y ? fmt::format("{:.0f}", p.dpi_x)
                                             : fmt::format("{:.0f}x{:.0f}", p.dpi_x, p.dpi_y);
  return p.dpi_estimated ? fmt::format(fmt::runtime(_("~{} (fit A4)")), dpi) : dpi;
}

CommandResult run_pack(const PackCliOptions& o, Context& ctx) {
  PackOptions options;
  options.overwrite = o.force;
  auto report = pack_images(o.images, o.output, options);
  if (!report) {
    if (report.error().code() == ErrorCode::conflict && report.error().subject() == o.output) {
      const std::string& message = report.error().message();
      std::string english = message + " (--force replaces it)";
      remember_localized(
          english, fmt::format(fmt::runtime(_("{} (--force replaces it)")), localized(message)));
      return Error(ErrorCode::conflict, std::move(english), o.output);
    }
    return report.error();
  }
  if (ctx.out().json()) {
    ctx.out().print(to_json(*report));
    return kExitOk;
  }
  Table table({_("PAGE"), _("FILE"), _("IMAGE"), _("DPI"), _("ORIENTATION"), _("EMBEDDED"),
               _("PAGE (mm)")});
  for (std::size_t i = 0; i < report->pages.size(); ++i) {
    const PackedPage& p = report->pages[i];
    table.add(
        {fmt::format("{}", i + 1), p.file,
         fmt::format("{} {}x{}", to_string(p.format), p.width, p.height), dpi_text(p),
         std::string(orientation_label(p.orientation)),
         std::string(label(p.embedding)) + (p.soft_mask ? " + alpha" : ""),
         fmt::format("{:.0f}x{:.0f}", p.page_width_pt * 25.4 / 72, p.page_height_pt * 25.4 / 72)});
  }
  table.print(ctx.out());
  // TRANSLATORS: "scan.pdf: 2 pages, 123456 bytes".
  ctx.out().line(
      fmt::format(fmt::runtime(_("{}: {}, {}")), report->output,
                  fmt::format(fmt::runtime(P_("{} page", "{} pages", report->pages.size())),
                              human_number(report->pages.size())),
                  fmt::format(fmt::runtime(P_("{} byte", "{} bytes", report->output_bytes)),
                              human_number(report->output_bytes))));
  return kExitOk;
}

// ---- add, rm ------------------------------------------------------------------------------

struct AddOptions {
  std::string numero;
  std::vector<std::string> files;
  std::string type;
  std::string contexte = "ajout";
  std::string emission, expiration;
  int annee_revenus = 0;
  std::string key;
  bool dry_run = false;
  bool strict = false;
};

Result<std::optional<Date>> optional_date(const std::string& text, const char* flag) {
  if (text.empty()) return std::optional<Date>();
  auto d = Date::parse(text);
  if (!d) return Error(ErrorCode::invalid_input, after_flag(flag, d.error().message()), flag);
  return std::optional<Date>(*d);
}

CommandResult run_add(const AddOptions& opts, Context& ctx) {
  SendPiecesInput in;
  in.numero_unique = opts.numero;
  in.type = opts.type;
  auto contexte = parse_contexte(opts.contexte);
  if (!contexte) return Error(contexte.error()).prefixed("--contexte");
  in.contexte = *contexte;
  in.files = opts.files;
  auto emission = optional_date(opts.emission, "--emission");
  if (!emission) return emission.error();
  auto expiration = optional_date(opts.expiration, "--expiration");
  if (!expiration) return expiration.error();
  in.date_emission = *emission;
  in.date_expiration = *expiration;
  if (opts.annee_revenus > 0) in.annee_revenus = opts.annee_revenus;
  in.idempotency_key = opts.key;
  in.dry_run = opts.dry_run;
  in.strict = opts.strict;
  auto service = ctx.service();
  if (!service) return service.error();
  auto sent = send_pieces(**service, in);
  if (!sent) {
    const auto numero = NumeroUnique::parse(in.numero_unique);
    return with_cleanup_advice(sent.error(), numero ? numero->str() : in.numero_unique, in.type,
                               in.files.size());
  }
  const Pli& pli = sent->pli;
  if (ctx.out().json()) {
    Json preflight = Json::array();
    for (const auto& r : sent->preflight) preflight.push(to_json(r));
    Json warnings = Json::array();
    for (const auto& w : sent->warnings)
      warnings.push(Json::object().set("code", w.code).set("message", w.message));
    Json doc = Json::object();
    if (sent->dry_run && !sent->replayed)
      doc.set("transaction", nullptr).set("pli", nullptr);
    else
      doc.set("transaction", pli.resume.transaction).set("pli", to_json(pli));
    ctx.out().print(doc.set("replayed", sent->replayed)
                        .set("dry_run", sent->dry_run)
                        .set("idempotency_key", sent->idempotency_key)
                        .set("warnings", std::move(warnings))
                        .set("preflight", std::move(preflight)));
    return kExitOk;
  }
  for (const auto& r : sent->preflight)
    for (const auto& w : r.warnings)
      ctx.out().warning(fmt::format(fmt::runtime(_("{}: {}: {}")), one_line(r.file), w.code,
                                    one_line(localized(w.message))));
  for (const auto& w : sent->warnings)
    ctx.out().warning(
        fmt::format(fmt::runtime(_("{}: {}")), w.code, one_line(localized(w.message))));
  const std::size_t n = opts.files.size();
  if (sent->replayed) {
    // Nothing was sent: say so, and what became of the first sending.
    ctx.out().line(fmt::format(
        fmt::runtime(P_("Already sent: {} piece went to demande {} as pli {} ({}); nothing was "
                        "sent again.",
                        "Already sent: these {} pieces went to demande {} as pli {} ({}); "
                        "nothing was sent again.",
                        n)),
        n, pli.resume.numero_unique, ctx.out().paint(pli.resume.transaction, Style::bold),
        info(pli.resume.statut).label));
    ctx.out().line(pli.resume.transaction);
    return kExitOk;
  }
  if (sent->dry_run) {
    ctx.out().line(
        fmt::format(fmt::runtime(P_("Dry run: {} piece ({}) would be sent to demande {}; "
                                    "nothing was uploaded.",
                                    "Dry run: {} pieces ({}) would be sent to demande {}; "
                                    "nothing was uploaded.",
                                    n)),
                    n, format_size(sent->bytes), opts.numero));
    return kExitOk;
  }
  ctx.out().line(fmt::format(
      fmt::runtime(P_("Sent {} piece to demande {} as pli {} ({}).",
                      "Sent {} pieces to demande {} as pli {} ({}).", pli.pieces.size())),
      pli.pieces.size(), pli.resume.numero_unique,
      ctx.out().paint(pli.resume.transaction, Style::bold), info(pli.resume.statut).label));
  ctx.out().line(pli.resume.transaction);
  return kExitOk;
}

struct RmOptions {
  std::string numero;
  std::vector<std::string> ids;
  bool yes = false;
};

CommandResult run_rm(const RmOptions& opts, Context& ctx) {
  auto numero = NumeroUnique::parse(opts.numero);
  if (!numero) return numero.error();
  auto service = ctx.service();
  if (!service) return service.error();
  // Every id is checked before anything is deleted.
  auto demande = (*service)->demande(numero->str());
  if (!demande) return demande.error();
  if (auto held = check_pieces_exist(*demande, opts.ids); !held) {
    const Error& e = held.error();
    std::string message = fmt::format("{}: nothing deleted", e.message());
    remember_localized(message,
                       fmt::format(fmt::runtime(_("{}: nothing deleted")), localized(e.message())));
    Error stopped(e.code(), std::move(message), e.subject());
    if (e.http_status() != 0) stopped.with_http(e.http_status(), e.request_id());
    return stopped;
  }
  if (!opts.yes) {
    const Answer answer =
        confirm(fmt::format(fmt::runtime(P_("Delete {} piece from demande {}?",
                                            "Delete {} pieces from demande {}?", opts.ids.size())),
                            opts.ids.size(), numero->str()));
    if (answer == Answer::no_terminal) {
      ctx.out().usage_error(tr(N_("nothing deleted: no terminal to confirm on")),
                            _("add --yes to delete without asking"));
      return kExitUsage;
    }
    if (answer == Answer::no) {
      ctx.out().note(_("nothing deleted"));
      return kExitFailure;
    }
  }
  const PieceDeletion done =
      delete_pieces(**service, numero->str(), opts.ids, [&](const std::string& id) {
        if (!ctx.out().json())
          ctx.out().line(fmt::format(fmt::runtime(_("Deleted piece {}.")), id));
      });
  if (!done.ok()) {
    if (!done.deleted.empty()) {
      Json ids = Json::array();
      for (const auto& id : done.deleted) ids.push(id);
      ctx.out().note(fmt::format(fmt::runtime(_("deleted before the failure: {}")), ids.dump(-1)));
    }
    return *done.error;
  }
  if (ctx.out().json()) ctx.out().print(to_json(done));
  return kExitOk;
}

}  // namespace

void setup_piece(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "piece", _("Pièces justificatives and their catalog"));

  auto t = std::make_shared<TypesOptions>();
  auto* types =
      noun->add_subcommand("types", _("Show the plan de classement: rubriques and piece types"));
  types
      ->add_option("--catalog", t->catalog,
                   _("JSON catalog replacing the built-in one (default: the profile's 'catalog')"))
      ->type_name("FILE");
  on_parsed(*types, ctx, t, run_types);

  auto c = std::make_shared<CheckOptions>();
  auto* check = noun->add_subcommand(
      "check", _("Preflight files before sending them: type, format, size, lisibilité"));
  check->add_option("FILE", c->files, _("Files to check; '-' reads their paths from stdin"))
      ->required();
  check
      ->add_option("--type", c->type,
                   _("Piece type the files are meant as (see 'sne piece types')"))
      ->type_name("PIECE_TYPE");
  check
      ->add_option("--catalog", c->catalog,
                   _("JSON catalog replacing the built-in one (default: the profile's 'catalog')"))
      ->type_name("FILE");
  check->add_option("--min-dpi", c->min_dpi, _("Resolution under which a scan gets a warning"))
      ->type_name("DPI")
      ->check(CLI::Range(1.0, 2400.0));
  check
      ->add_option("-j,--jobs", c->jobs,
                   _("Files checked at once, each parsed in its own process (default and 0: one "
                     "per core)"))
      ->type_name("N")
      ->check(CLI::Range(0, kInspectMaxJobs));
  on_parsed(*check, ctx, c, run_check);
  auto p = std::make_shared<PackCliOptions>();
  auto* pack = noun->add_subcommand(
      "pack", _("Pack scans (JPEG, PNG) into one piece PDF, a page per image, without loss"));
  pack->add_option("IMAGE", p->images, _("Images in page order (recto, then verso)"))
      ->required()
      ->type_name("IMAGE");
  pack->add_option("-o,--output", p->output, _("PDF file to write (mode 0600)"))
      ->required()
      ->type_name("FILE");
  pack->add_flag("--force", p->force, _("Replace the output file when it exists"));
  on_parsed(*pack, ctx, p, run_pack);

  auto a = std::make_shared<AddOptions>();
  auto* add = noun->add_subcommand(
      "add", _("Preflight files and send them to a demande as one pli; prints the transaction"));
  add->add_option("NU", a->numero, _("Numéro unique of the demande"))->required();
  add->add_option("FILE", a->files, _("Files, one piece each (1 to 20)"))->required();
  add->add_option("--type", a->type, _("Piece type of the files (see 'sne piece types')"))
      ->type_name("PIECE_TYPE")
      ->required();
  add->add_option("--contexte", a->contexte, _("creation, renouvellement, mise_a_jour or ajout"))
      ->type_name("CONTEXTE")
      ->capture_default_str();
  add->add_option("--emission", a->emission, _("Date of issue of the documents"))
      ->type_name("DATE");
  add->add_option("--expiration", a->expiration, _("End of validity printed on them"))
      ->type_name("DATE");
  add->add_option("--annee-revenus", a->annee_revenus, _("Avis d'imposition: year of the income"))
      ->type_name("YEAR")
      ->check(CLI::Range(1900, 2200));
  add->add_option(
         "--idempotency-key", a->key,
         _("Key of the pli (default: derived from the demande, type, contexte, dates and the "
           "files' contents)"))
      ->type_name("KEY");
  add->add_flag("--dry-run", a->dry_run,
                _("Check everything (files, demande, radiation, room, earlier sending) and send "
                  "nothing"));
  add->add_flag("--strict", a->strict,
                _("Refuse files with warnings (hors périmètre, low resolution) instead of "
                  "sending them"));
  on_parsed(*add, ctx, a, run_add);

  auto r = std::make_shared<RmOptions>();
  auto* rm = noun->add_subcommand("rm", _("Delete pieces from a demande"));
  rm->add_option("NU", r->numero, _("Numéro unique of the demande"))->required();
  rm->add_option("PIECE_ID", r->ids, _("Ids of the pieces (see 'sne dossier show')"))->required();
  rm->add_flag("--yes", r->yes, _("Delete without asking"));
  on_parsed(*rm, ctx, r, run_rm);
}

}  // namespace sne::cli
