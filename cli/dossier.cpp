// sne dossier: a demande's pieces by rubrique and type (show), and making room in full
// categories before an upload (clean).
//
// File names are data: they go to stdout, in the view and the plan, sensitive types included
// (it is the user's own dossier). Nothing on stderr (notes, errors, --debug) names a file.
#include <fmt/format.h>

#include <sne/dossier.hpp>
#include <sne/numero.hpp>

#include "commands.hpp"
#include "confirm.hpp"
#include "i18n.hpp"

namespace sne::cli {

namespace {

struct ShowOptions {
  std::string numero;
  std::string catalog;
  std::string on;  ///< empty: today
};

struct CleanOptions {
  std::string numero;
  std::vector<std::string> targets;  ///< TYPE or TYPE:N
  bool dry_run = false;
  bool yes = false;
  std::string catalog;
  std::string on;
};

// ---- shared ----------------------------------------------------------------------------------

Result<std::string> numero_of(const std::string& text) {
  auto n = NumeroUnique::parse(text);
  if (!n) {
    Error e = n.error();
    return e.prefixed(fmt::format("numéro unique '{}'", one_line(text)));
  }
  return n->str();
}

Result<Date> day_of(const std::string& text) {
  if (text.empty()) return Date::today();
  auto d = Date::parse(text);
  if (!d) {
    Error e(ErrorCode::invalid_input, d.error().message(), "--on");
    return e.prefixed("--on");
  }
  return *d;
}

/// What the plan and the view need: the demande, the catalog and the day.
struct Inputs {
  Demande demande;
  std::shared_ptr<const Catalog> catalog;
  Date on;
};

Result<Inputs> load(const std::string& numero_text, const std::string& catalog_path,
                    const std::string& on_text, Context& ctx) {
  auto numero = numero_of(numero_text);
  if (!numero) return numero.error();
  auto on = day_of(on_text);
  if (!on) return on.error();
  auto catalog = ctx.catalog(catalog_path);
  if (!catalog) return catalog.error();
  auto service = ctx.service();
  if (!service) return service.error();
  auto demande = (*service)->demande(*numero);
  if (!demande) return demande.error();
  return Inputs{std::move(*demande), std::move(*catalog), *on};
}

std::string day(Timestamp t) { return format_timestamp(t).substr(0, 10); }

std::string count_text(int count, int max, bool full) {
  return fmt::format("{}/{}{}", count, max, full ? " pleine" : "");
}

// ---- show ------------------------------------------------------------------------------------

std::string dates_text(const StoredPiece& p) {
  std::vector<std::string> parts;
  if (p.date_emission) parts.push_back("émis " + p.date_emission->iso());
  if (p.date_expiration) parts.push_back("expire " + p.date_expiration->iso());
  if (p.annee_revenus) parts.push_back(fmt::format("revenus {}", *p.annee_revenus));
  return parts.empty() ? "—" : fmt::format("{}", fmt::join(parts, ", "));
}

std::pair<std::string, Style> validity_text(const ValidityCheck& v) {
  switch (v.outcome) {
    case ValidityCheck::Outcome::valid: return {"valide", Style::ok};
    case ValidityCheck::Outcome::obsolete: return {"obsolète: " + v.reason, Style::warn};
    case ValidityCheck::Outcome::unknown: return {"inconnue: " + v.reason, Style::dim};
  }
  return {};
}

std::string type_text(const DossierCategory& c) {
  std::string text = c.type;
  if (c.perimetre == Perimetre::hors_perimetre) text += " (hors périmètre)";
  if (c.sensitive) text += " (sensible)";
  return text;
}

void add_piece_row(Table& table, std::string type_cell, std::string count_cell, Style count_style,
                   const DossierPiece& p) {
  auto [validity, validity_style] = validity_text(p.validity);
  table.add({std::move(type_cell), std::move(count_cell), p.piece.id, day(p.piece.date_ajout),
             p.piece.nom_fichier, dates_text(p.piece), validity},
            {Style::plain, count_style, Style::plain, Style::plain, Style::plain, Style::plain,
             validity_style});
}

void print_view(const DossierView& view, Context& ctx) {
  const Output& out = ctx.out();
  out.line(out.paint(fmt::format("Demande {} — {} {}, né(e) le {} — territoire {}",
                                 view.numero_unique, view.demandeur.prenom, view.demandeur.nom,
                                 view.demandeur.date_naissance.iso(), view.territoire),
                     Style::bold));
  if (view.date_radiation)
    out.line(out.paint(
        fmt::format("Radiée le {} : elle ne reçoit plus de pièces", view.date_radiation->iso()),
        Style::bad));
  out.line(fmt::format("{} pièce{} au {} (catalogue {})", view.piece_count(),
                       view.piece_count() > 1 ? "s" : "", view.on.iso(), view.catalog_version));
  const std::vector<std::string> headers{"TYPE",    "PIÈCES", "ID",      "AJOUTÉE",
                                         "FICHIER", "DATES",  "VALIDITÉ"};
  for (const auto& r : view.rubriques) {
    out.line("");
    out.line(out.paint(fmt::format("{} [{}]", r.label, r.code), Style::bold));
    Table table(headers);
    for (const auto& c : r.categories)
      for (std::size_t i = 0; i < c.pieces.size(); ++i)
        add_piece_row(table, i == 0 ? type_text(c) : "",
                      i == 0 ? count_text(c.count(), c.max_pieces, c.full()) : "",
                      c.full() ? Style::warn : Style::plain, c.pieces[i]);
    table.print(out);
  }
  if (!view.unknown_type.empty()) {
    out.line("");
    out.line(out.paint("Types absents du catalogue", Style::bold));
    Table table(headers);
    for (const auto& p : view.unknown_type) add_piece_row(table, p.piece.type, "", Style::plain, p);
    table.print(out);
  }
  if (!view.missing.empty()) {
    out.line("");
    out.line(out.paint("Pièces requises manquantes", Style::bold));
    Table table({"TYPE", "REQUISE POUR", "RUBRIQUE", "LIBELLÉ"});
    for (const auto& m : view.missing)
      table.add({m.type, std::string(to_string(m.required)), m.rubrique, m.label}, {Style::warn});
    table.print(out);
  }
}

CommandResult run_show(const ShowOptions& opts, Context& ctx) {
  auto in = load(opts.numero, opts.catalog, opts.on, ctx);
  if (!in) return in.error();
  const DossierView view = build_dossier_view(in->demande, *in->catalog, in->on);
  if (ctx.out().json())
    ctx.out().print(to_json(view));
  else
    print_view(view, ctx);
  return kExitOk;
}

// ---- clean -----------------------------------------------------------------------------------

void print_plan(const CleanupPlan& plan, Context& ctx) {
  const Output& out = ctx.out();
  std::vector<std::string> adding;
  for (const auto& c : plan.categories) adding.push_back(fmt::format("{} × {}", c.adding, c.type));
  out.line(out.paint(fmt::format(fmt::runtime(_("Demande {}: making room for {}")),
                                 plan.numero_unique, fmt::join(adding, ", ")),
                     Style::bold));
  Table categories({"CATÉGORIE", "AVANT", "SUPPRIMÉES", "AJOUTÉES", "APRÈS"});
  for (const auto& c : plan.categories)
    categories.add(
        {c.type, count_text(c.before, c.max_pieces, c.full_before()), fmt::format("{}", c.deleting),
         fmt::format("{}", c.adding), count_text(c.after, c.max_pieces, false)},
        {Style::plain, c.full_before() ? Style::warn : Style::plain,
         c.deleting > 0 ? Style::warn : Style::plain});
  categories.print(out);
  if (plan.nothing_to_delete()) return;
  out.line("");
  out.line(out.paint(_("To delete"), Style::bold));
  Table deletions({"ID", "TYPE", "AJOUTÉE", "FICHIER", "RAISON"});
  for (const auto& d : plan.deletions)
    deletions.add({d.piece_id, d.type, day(d.date_ajout), d.nom_fichier, d.reason_fr},
                  {Style::plain, Style::plain, Style::plain, Style::plain,
                   d.reason == DeletionReason::obsolete ? Style::warn : Style::plain});
  deletions.print(out);
}

/// The JSON of `clean` when nothing was deleted.
Json untouched_json(const CleanupPlan& plan, bool dry_run) {
  CleanupOutcome none;
  none.dry_run = dry_run;
  return to_json(plan, none);
}

CommandResult run_clean(const CleanOptions& opts, Context& ctx) {
  std::vector<CleanupTarget> targets;
  for (const auto& text : opts.targets) {
    auto t = parse_cleanup_target(text);
    if (!t) return t.error();
    targets.push_back(std::move(*t));
  }
  auto in = load(opts.numero, opts.catalog, opts.on, ctx);
  if (!in) return in.error();
  auto planned = plan_cleanup(in->demande, *in->catalog, targets, in->on);
  if (!planned) return planned.error();
  const CleanupPlan& plan = *planned;
  const Output& out = ctx.out();
  const bool json = out.json();
  if (!json) print_plan(plan, ctx);

  const bool deleting = !plan.nothing_to_delete() && !opts.dry_run;
  if (deleting && !opts.yes) {
    const Answer answer = confirm(
        fmt::format(fmt::runtime(P_("Delete {} piece from demande {}?",
                                    "Delete {} pieces from demande {}?", plan.deletions.size())),
                    plan.deletions.size(), plan.numero_unique));
    if (answer == Answer::no_terminal) {
      out.usage_error(tr(N_("nothing deleted: no terminal to confirm on")),
                      _("add --yes to delete these pieces, or --dry-run to only show the plan"),
                      untouched_json(plan, false));
      return kExitUsage;
    }
    if (answer == Answer::no) {
      if (json) out.print(untouched_json(plan, false));
      out.note(_("nothing deleted"));
      return kExitFailure;
    }
  }
  if (!deleting) {
    if (json) {
      out.print(untouched_json(plan, opts.dry_run));
    } else {
      out.line("");
      out.line(plan.nothing_to_delete()
                   ? _("Nothing to delete: the categories have room for the new pieces.")
                   : _("Dry run: nothing deleted."));
    }
    return kExitOk;
  }

  auto service = ctx.service();
  if (!service) return service.error();
  if (!json) out.line("");
  const CleanupOutcome done = run_cleanup(**service, plan, false, [&](const PlannedDeletion& d) {
    if (!json) out.line(fmt::format(fmt::runtime(_("Deleted {} ({}).")), d.piece_id, d.type));
  });
  if (!done.ok()) {
    if (!json) {
      std::vector<std::string> left;
      for (std::size_t j = done.deleted; j < plan.deletions.size(); ++j)
        left.push_back(plan.deletions[j].piece_id);
      out.line(fmt::format(fmt::runtime(_("Not deleted: {}")), fmt::join(left, ", ")));
    }
    out.error(*done.error, to_json(plan, done));
    return exit_code_for(*done.error);
  }
  if (json)
    out.print(to_json(plan, done));
  else
    out.line(fmt::format(
        fmt::runtime(P_("{} piece deleted: the new pieces fit.",
                        "{} pieces deleted: the new pieces fit.", plan.deletions.size())),
        plan.deletions.size()));
  return kExitOk;
}

void add_common(CLI::App& verb, std::string& numero, std::string& catalog, std::string& on) {
  verb.add_option("NUMERO", numero, _("The demande's numéro unique"))->required();
  verb.add_option("--catalog", catalog,
                  _("JSON catalog replacing the built-in one (default: the profile's 'catalog')"))
      ->type_name("FILE");
  verb.add_option("--on", on, _("Check validity on this day (default: today)"))
      ->type_name("YYYY-MM-DD");
}

}  // namespace

void setup_dossier(CLI::App& root, Context& ctx) {
  auto* noun = add_noun(root, "dossier", _("A demande's pieces by rubrique and type; making room"));

  auto s = std::make_shared<ShowOptions>();
  auto* show = noun->add_subcommand(
      "show",
      _("Show a demande's pieces by rubrique and type, their validity, and what is missing"));
  add_common(*show, s->numero, s->catalog, s->on);
  on_parsed(*show, ctx, s, run_show);

  auto c = std::make_shared<CleanOptions>();
  auto* clean = noun->add_subcommand(
      "clean", _("Delete the pieces that must go so that new ones fit in full categories"));
  add_common(*clean, c->numero, c->catalog, c->on);
  clean
      ->add_option("--for", c->targets,
                   _("A piece about to be added, of this type (repeat for more; TYPE:N for N)"))
      ->required()
      ->allow_extra_args(false)  // one TYPE per --for: NUMERO may follow
      ->type_name("TYPE[:N]");
  clean->add_flag("--dry-run", c->dry_run, _("Show the plan, delete nothing"));
  clean->add_flag("--yes", c->yes, _("Delete without asking"));
  on_parsed(*clean, ctx, c, run_clean);
}

}  // namespace sne::cli
