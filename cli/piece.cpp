// sne piece types: the plan de classement.
#include <fmt/format.h>

#include <sne/catalog.hpp>

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
}

}  // namespace sne::cli
