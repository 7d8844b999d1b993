// sne piece types|check: the plan de classement, and the preflight of files before sending.
#include <fmt/format.h>

#include <sne/catalog.hpp>
#include <sne/inspect.hpp>

#include "commands.hpp"

namespace sne::cli {

namespace {

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
  ctx.out().line(ctx.out().paint(fmt::format("Plan de classement {} — {} types in {} rubriques",
                                             c.version(), c.type_count(), c.rubriques().size()),
                                 Style::bold));
  for (const auto& r : c.rubriques()) {
    ctx.out().line("");
    ctx.out().line(ctx.out().paint(fmt::format("{} [{}]", r.label, r.code), Style::bold));
    Table table({"CODE", "MAX", "PÉRIMÈTRE", "VALIDITÉ", "LABEL"});
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
};

std::string bytes_text(std::uint64_t bytes) {
  if (bytes >= 1024 * 1024) return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / 1048576);
  if (bytes >= 1024) return fmt::format("{:.0f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{} B", bytes);
}

/// "pdf, 2 pages, 1.2 MiB, 300 dpi": what was learnt of the file.
std::string facts_text(const InspectReport& r) {
  std::vector<std::string> facts;
  if (r.has_problem(problem::file_unreadable)) return "";
  if (r.format) facts.emplace_back(to_string(*r.format));
  if (r.pages > 0 && r.format == Format::pdf)
    facts.push_back(fmt::format("{} page{}", r.pages, r.pages == 1 ? "" : "s"));
  facts.push_back(bytes_text(r.bytes));
  if (r.dpi)
    facts.push_back(
        fmt::format("{}{:.0f} dpi", r.dpi_source == "estimated" ? "about " : "", *r.dpi));
  std::string out;
  for (const auto& f : facts) out += (out.empty() ? "" : ", ") + f;
  return out;
}

CommandResult run_check(const CheckOptions& opts, Context& ctx) {
  auto catalog = ctx.catalog(opts.catalog);
  if (!catalog) return catalog.error();
  InspectOptions options;
  options.catalog = catalog->get();
  options.type = opts.type;
  options.min_dpi = opts.min_dpi;
  Json results = Json::array();
  int rejected = 0, warned = 0, count = 0;
  for (const auto& file : expand_stdin(opts.files)) {
    const InspectReport r = inspect_file(file, options);
    ++count;
    if (!r.ok())
      ++rejected;
    else if (!r.warnings.empty())
      ++warned;
    if (ctx.out().json()) {
      results.push(to_json(r));
      continue;
    }
    const auto& out = ctx.out();
    const std::string verdict = !r.ok()               ? out.paint("rejected", Style::bad)
                                : !r.warnings.empty() ? out.paint("warning ", Style::warn)
                                                      : out.paint("ok      ", Style::ok);
    const std::string facts = facts_text(r);
    out.line(
        fmt::format("{} {}{}", verdict, one_line(r.file), facts.empty() ? "" : " (" + facts + ")"));
    for (const auto& p : r.problems)
      out.line(fmt::format("  {} {}: {}", out.paint("✗", Style::bad), p.code, one_line(p.message)));
    for (const auto& w : r.warnings)
      out.line(
          fmt::format("  {} {}: {}", out.paint("!", Style::warn), w.code, one_line(w.message)));
  }
  if (ctx.out().json())
    ctx.out().print(results);
  else if (count > 1)
    ctx.out().line(fmt::format("{} files: {} ok, {} with warnings, {} rejected", count,
                               count - rejected - warned, warned, rejected));
  return rejected == 0 ? kExitOk : kExitInvalid;
}

}  // namespace

void setup_piece(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "piece", "Pièces justificatives and their catalog");

  auto t = std::make_shared<TypesOptions>();
  auto* types =
      noun->add_subcommand("types", "Show the plan de classement: rubriques and piece types");
  types
      ->add_option("--catalog", t->catalog,
                   "JSON catalog replacing the built-in one (default: the profile's 'catalog')")
      ->type_name("FILE");
  on_parsed(*types, ctx, t, run_types);

  auto c = std::make_shared<CheckOptions>();
  auto* check = noun->add_subcommand(
      "check", "Preflight files before sending them: type, format, size, lisibilité");
  check->add_option("FILE", c->files, "Files to check; '-' reads their paths from stdin")
      ->required();
  check->add_option("--type", c->type, "Piece type the files are meant as (see 'sne piece types')")
      ->type_name("CODE");
  check
      ->add_option("--catalog", c->catalog,
                   "JSON catalog replacing the built-in one (default: the profile's 'catalog')")
      ->type_name("FILE");
  check->add_option("--min-dpi", c->min_dpi, "Resolution under which a scan gets a warning")
      ->type_name("DPI")
      ->check(CLI::Range(1.0, 2400.0));
  on_parsed(*check, ctx, c, run_check);
}

}  // namespace sne::cli
