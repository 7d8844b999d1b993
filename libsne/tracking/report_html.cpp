// The pli report drawn: SVG charts written by hand (bars, lines, text; no script) and one HTML
// page holding them inline with its styles, for a browser, a phone and a printer. Every
// string that comes from data (motifs, guichets, numéros) goes through escape_html().
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <system_error>

#include <fmt/format.h>

#include "base/atomic_file.hpp"
#include "base/text.hpp"
#include "sne/report.hpp"

namespace sne {

namespace {

/// The colour of each status, in the order of statuts(), told apart in grey too (print).
constexpr std::array<const char*, 5> kColours{"#4e79a7", "#f28e2b", "#c03b3d", "#59a14f",
                                              "#b8b0ac"};
constexpr const char* kFont = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
constexpr double kWidth = 720;

/// "12 345": groups of three digits, a narrow no-break space between them.
std::string grouped(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\u202f";
    out += digits[i];
  }
  return out;
}

/// "03/11/2026".
std::string french(Date d) {
  return fmt::format("{:02}/{:02}/{:04}", d.day(), d.month(), d.year());
}

/// At most `max` code points of `text`, with an ellipsis when cut.
std::string shortened(std::string_view text, std::size_t max) {
  std::size_t i = 0, n = 0;
  while (i < text.size() && n < max) {
    const std::size_t len = std::max<std::size_t>(1, text::utf8_sequence(text, i));
    i += len;
    ++n;
  }
  if (i >= text.size()) return std::string(text);
  return std::string(text.substr(0, i)) + "…";
}

/// A round upper bound of an axis holding `v`, and its step (4 or 5 steps).
std::pair<double, double> axis(double v) {
  if (v <= 0) v = 1;
  const double raw = v / 4;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  if (step < 1) step = 1;
  return {std::ceil(v / step) * step, step};
}

std::string svg_open(double height, const std::string& title, const std::string& id) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" "
      "height=\"{}\" role=\"img\" aria-labelledby=\"{}\" font-family=\"{}\" font-size=\"12\" "
      "class=\"chart\"><title id=\"{}\">{}</title>"
      "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
      kWidth, height, kWidth, height, id, kFont, id, escape_html(title), kWidth, height);
}

std::string empty_note(double y, std::string_view text) {
  return fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\" font-size=\"14\">{}</text>",
      kWidth / 2, y, escape_html(text));
}

struct Plot {
  double left = 56, right = kWidth - 16, top = 40, bottom = 250;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

/// The y axis of `plot` up to `max` by `step`: grid lines and labels.
std::string y_axis(const Plot& plot, double max, double step, std::string_view unit) {
  std::string out;
  const auto ticks = static_cast<long>(std::lround(max / step));
  for (long i = 0; i <= ticks; ++i) {
    const double v = static_cast<double>(i) * step;
    const double y = plot.bottom - v / max * plot.height();
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e3e3e3\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" fill=\"#444444\">{}</text>",
        plot.left, y, plot.right, y, plot.left - 6, y + 4, grouped(static_cast<std::size_t>(v)));
  }
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#444444\" font-size=\"11\">{}</text>",
                     plot.left - 50, plot.top - 12, escape_html(unit));
  return out;
}

/// Week labels under `plot`: "S45", with the ISO year under the first and at each new year,
/// spaced at least 44 units apart.
std::string x_weeks(const Plot& plot, const std::vector<ReportWeek>& weeks) {
  std::string out;
  const double step = plot.width() / static_cast<double>(weeks.size());
  const auto every = static_cast<std::size_t>(std::max(1.0, std::ceil(44 / step)));
  int year = 0;
  for (std::size_t i = 0; i < weeks.size(); i += every) {
    const double x = plot.left + (static_cast<double>(i) + 0.5) * step;
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#444444\">S{:02}</text>", x,
        plot.bottom + 16, weeks[i].week.week);
    if (weeks[i].week.year != year) {
      year = weeks[i].week.year;
      out += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#444444\" "
          "font-size=\"11\">{}</text>",
          x, plot.bottom + 30, year);
    }
  }
  return out;
}

std::string plis_per_week(const GuichetReport& g, const std::string& title, const std::string& id) {
  const double height = 318;
  std::string svg = svg_open(height, title, id);
  // The legend, one status after another, on as many lines as it takes.
  double lx = 56, ly = 8;
  for (const auto& s : statuts()) {
    const double w = 16 + 6.2 * static_cast<double>(s.label.size()) + 14;
    if (lx + w > kWidth - 8) {
      lx = 56;
      ly += 18;
    }
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#222222\" font-size=\"11\">{}</text>",
        lx, ly, kColours[static_cast<std::size_t>(s.value)], lx + 16, ly + 10,
        escape_html(s.label));
    lx += w;
  }
  if (g.weeks.empty()) return svg + empty_note(height / 2, "Aucun pli sur la période") + "</svg>";
  Plot plot;
  plot.top = ly + 40;
  plot.bottom = height - 50;
  std::size_t most = 0;
  for (const auto& w : g.weeks) most = std::max(most, w.total);
  const std::pair<double, double> bounds = axis(static_cast<double>(most));
  const double max = bounds.first;
  const double step = bounds.second;
  svg += y_axis(plot, max, step, "plis");
  const double slot = plot.width() / static_cast<double>(g.weeks.size());
  const double bar = std::max(0.5, slot * 0.8);
  for (std::size_t i = 0; i < g.weeks.size(); ++i) {
    const ReportWeek& w = g.weeks[i];
    const double x = plot.left + static_cast<double>(i) * slot + (slot - bar) / 2;
    double y = plot.bottom;
    svg += fmt::format("<g><title>{} (lundi {}) : {} plis</title>", w.week.str(),
                       french(w.week.monday()), w.total);
    for (const auto& s : statuts()) {
      const std::size_t n = w.by_statut[static_cast<std::size_t>(s.value)];
      if (n == 0) continue;
      const double h = static_cast<double>(n) / max * plot.height();
      y -= h;
      svg += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" fill=\"{}\">"
          "<title>{} : {} {}</title></rect>",
          x, y, bar, h, kColours[static_cast<std::size_t>(s.value)], w.week.str(),
          escape_html(s.label), n);
    }
    svg += "</g>";
  }
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888888\"/>",
                     plot.left, plot.bottom, plot.right, plot.bottom);
  return svg + x_weeks(plot, g.weeks) + "</svg>";
}

std::string processing_time(const GuichetReport& g, const std::string& title,
                            const std::string& id) {
  const double height = 300;
  std::string svg = svg_open(height, title, id);
  svg += fmt::format(
      "<line x1=\"56\" y1=\"14\" x2=\"80\" y2=\"14\" stroke=\"#4e79a7\" stroke-width=\"2.5\"/>"
      "<text x=\"86\" y=\"18\" font-size=\"11\">médiane</text>"
      "<line x1=\"150\" y1=\"14\" x2=\"174\" y2=\"14\" stroke=\"#f28e2b\" stroke-width=\"2.5\"/>"
      "<text x=\"180\" y=\"18\" font-size=\"11\">90e centile</text>"
      "<line x1=\"264\" y1=\"14\" x2=\"288\" y2=\"14\" stroke=\"#c03b3d\" stroke-width=\"2\" "
      "stroke-dasharray=\"6 4\"/>"
      "<text x=\"294\" y=\"18\" font-size=\"11\">délai du numériseur : {} jours ouvrés</text>",
      kSlaJoursOuvres);
  bool any = false;
  long most = kSlaJoursOuvres + 1;
  for (const auto& w : g.weeks)
    if (w.p90_jours_ouvres) {
      any = true;
      most = std::max(most, *w.p90_jours_ouvres);
    }
  if (!any) return svg + empty_note(height / 2, "Aucun pli traité sur la période") + "</svg>";
  const Plot plot;
  const std::pair<double, double> bounds = axis(static_cast<double>(most));
  const double max = bounds.first;
  const double step = bounds.second;
  svg += y_axis(plot, max, step, "jours ouvrés");
  const double slot = plot.width() / static_cast<double>(g.weeks.size());
  auto y_of = [&](long v) { return plot.bottom - static_cast<double>(v) / max * plot.height(); };
  // One path per run of weeks with processed plis: a week without any breaks the line.
  auto line = [&](auto value, const char* colour) {
    std::string path;
    bool open = false;
    for (std::size_t i = 0; i < g.weeks.size(); ++i) {
      const std::optional<long> v = value(g.weeks[i]);
      if (!v) {
        open = false;
        continue;
      }
      const double x = plot.left + (static_cast<double>(i) + 0.5) * slot;
      path += fmt::format("{}{:.2f} {:.2f} ", open ? "L" : "M", x, y_of(*v));
      open = true;
    }
    std::string out = fmt::format(
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" "
        "stroke-linejoin=\"round\"/>",
        path, colour);
    for (std::size_t i = 0; i < g.weeks.size(); ++i)
      if (const std::optional<long> v = value(g.weeks[i]))
        out += fmt::format(
            "<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"{:.1f}\" fill=\"{}\"><title>{} : {} j.o. "
            "({} plis traités)</title></circle>",
            plot.left + (static_cast<double>(i) + 0.5) * slot, y_of(*v), std::min(3.0, slot / 3),
            colour, g.weeks[i].week.str(), *v, g.weeks[i].processed);
    return out;
  };
  svg += line([](const ReportWeek& w) { return w.p90_jours_ouvres; }, "#f28e2b");
  svg += line([](const ReportWeek& w) { return w.median_jours_ouvres; }, "#4e79a7");
  svg += fmt::format(
      "<line x1=\"{}\" y1=\"{:.2f}\" x2=\"{}\" y2=\"{:.2f}\" stroke=\"#c03b3d\" "
      "stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
      plot.left, y_of(kSlaJoursOuvres), plot.right, y_of(kSlaJoursOuvres));
  svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888888\"/>",
                     plot.left, plot.bottom, plot.right, plot.bottom);
  return svg + x_weeks(plot, g.weeks) + "</svg>";
}

constexpr std::size_t kMotifRows = 10;

std::string rejections(const GuichetReport& g, const std::string& title, const std::string& id) {
  std::vector<ReportMotif> rows(
      g.motifs.begin(),
      g.motifs.begin() + static_cast<std::ptrdiff_t>(std::min(kMotifRows, g.motifs.size())));
  if (g.motifs.size() > kMotifRows) {
    ReportMotif others{fmt::format("Autres motifs ({})", g.motifs.size() - kMotifRows), 0, 0};
    for (std::size_t i = kMotifRows; i < g.motifs.size(); ++i) {
      others.plis += g.motifs[i].plis;
      others.pieces += g.motifs[i].pieces;
    }
    rows.push_back(std::move(others));
  }
  const double row_height = 38;
  const double height = rows.empty() ? 120 : 30 + row_height * static_cast<double>(rows.size());
  std::string svg = svg_open(height, title, id);
  if (rows.empty()) return svg + empty_note(height / 2, "Aucun rejet sur la période") + "</svg>";
  std::size_t most = 1;
  for (const auto& r : rows) most = std::max(most, r.plis);
  svg += "<text x=\"8\" y=\"18\" fill=\"#444444\" font-size=\"11\">plis rejetés par motif</text>";
  const double left = 8, right = kWidth - 70;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const ReportMotif& r = rows[i];
    const double y = 30 + row_height * static_cast<double>(i);
    const double w =
        std::max(1.0, static_cast<double>(r.plis) / static_cast<double>(most) * (right - left));
    svg += fmt::format(
        "<g><title>{} : {} plis, {} pièces</title>"
        "<text x=\"{}\" y=\"{:.1f}\" fill=\"#222222\">{}</text>"
        "<rect x=\"{}\" y=\"{:.1f}\" width=\"{:.2f}\" height=\"14\" fill=\"#c03b3d\"/>"
        "<text x=\"{:.2f}\" y=\"{:.1f}\" fill=\"#222222\">{}</text></g>",
        escape_html(r.motif), r.plis, r.pieces, left, y + 10, escape_html(shortened(r.motif, 95)),
        left, y + 15, w, left + w + 6, y + 27, grouped(r.plis));
  }
  return svg + "</svg>";
}

/// The three charts of `g`, their files prefixed by `prefix`.
void charts_of(const GuichetReport& g, const std::string& prefix, const std::string& suffix,
               std::vector<ReportChart>& out) {
  const std::string id = prefix.empty() ? "all" : prefix.substr(0, prefix.size() - 1);
  std::string title = "Plis par semaine et par statut" + suffix;
  out.push_back({prefix + "plis-par-semaine.svg", title,
                 plis_per_week(g, title, "t-weeks-" + escape_html(id))});
  title = "Temps de traitement par semaine (jours ouvrés)" + suffix;
  out.push_back({prefix + "temps-de-traitement.svg", title,
                 processing_time(g, title, "t-time-" + escape_html(id))});
  title = "Rejets par motif" + suffix;
  out.push_back({prefix + "rejets-par-motif.svg", title,
                 rejections(g, title, "t-motifs-" + escape_html(id))});
}

/// A guichet's code as part of a file name: what is neither a letter nor a digit becomes "_".
std::string file_safe(std::string_view code) {
  std::string out;
  for (char c : code)
    out += (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
  return out;
}

constexpr const char* kStyle = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1d1d1d; background: #f4f5f7; line-height: 1.45; }
main { max-width: 980px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0.2em 0; }
h2 { font-size: 1.25rem; margin: 1.4em 0 0.4em; }
h3 { font-size: 1.05rem; margin: 1em 0 0.4em; }
.meta { color: #555; font-size: 0.9rem; margin: 0 0 1em; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 8px; }
.tile { background: #fff; border: 1px solid #dcdfe4; border-radius: 6px; padding: 8px 10px; }
.tile b { display: block; font-size: 1.4rem; }
.tile span { color: #555; font-size: 0.85rem; }
.tile.bad b { color: #c03b3d; }
figure { margin: 0.5em 0 1em; background: #fff; border: 1px solid #dcdfe4; border-radius: 6px;
  padding: 6px; }
figure svg { display: block; width: 100%; height: auto; }
.chart-scroll { overflow-x: auto; }
figcaption { font-size: 0.85rem; color: #555; padding: 4px 4px 0; }
.scroll { overflow-x: auto; background: #fff; border: 1px solid #dcdfe4; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceef1; white-space: nowrap; }
th { background: #f0f2f5; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.guichet { border-top: 3px solid #4e79a7; margin-top: 2em; }
@media (max-width: 600px) {
  main { padding: 8px; } h1 { font-size: 1.3rem; } .tile b { font-size: 1.15rem; }
  /* Charts keep a readable size and scroll sideways rather than shrink their text away. */
  figure svg { min-width: 540px; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: #fff; font-size: 10pt; }
  main { max-width: none; padding: 0; }
  figure, .tile, .scroll { border-color: #999; }
  figure, .tiles, tr { break-inside: avoid; }
  .scroll, .chart-scroll { overflow: visible; }
  figure svg { min-width: 0; }
  th, td { white-space: normal; }
  .guichet { break-before: page; }
}
)";

constexpr std::size_t kOverdueRows = 500;

void tiles(const GuichetReport& g, std::string& html) {
  const PliStats& t = g.totals;
  auto tile = [&](const std::string& value, std::string_view label, bool bad = false) {
    html += fmt::format("<div class=\"tile{}\"><b>{}</b><span>{}</span></div>", bad ? " bad" : "",
                        value, escape_html(label));
  };
  html += "<div class=\"tiles\">";
  tile(grouped(t.total), "plis transmis");
  tile(grouped(t.processed), "plis traités");
  tile(t.median_jours_ouvres ? fmt::format("{} j.o.", *t.median_jours_ouvres) : "—",
       "temps de traitement médian");
  tile(t.p90_jours_ouvres ? fmt::format("{} j.o.", *t.p90_jours_ouvres) : "—",
       "90e centile du temps de traitement");
  tile(grouped(t.late), "traités hors délai", t.late > 0);
  tile(grouped(t.overdue), "en retard, toujours en cours", t.overdue > 0);
  tile(grouped(t.rejected), "dossiers rejetés");
  tile(grouped(t.renewed), "dossiers renouvelés");
  html += "</div>";
}

void section(const GuichetReport& g, const std::vector<ReportChart>& charts, std::size_t at,
             const char* heading, std::string& html) {
  tiles(g, html);
  for (std::size_t i = 0; i < 3; ++i) {
    html += fmt::format("<{}>{}</{}><figure><div class=\"chart-scroll\">{}</div>", heading,
                        escape_html(charts[at + i].title), heading, charts[at + i].svg);
    if (i == 2 && g.motifs_unread > 0)
      html += fmt::format(
          "<figcaption>{} plis rejetés dont le détail n'a pas été lu ne sont pas "
          "comptés.</figcaption>",
          grouped(g.motifs_unread));
    html += "</figure>";
  }
  html += fmt::format("<{}>Plis en retard, toujours en cours ({})</{}>", heading,
                      grouped(g.overdue.size()), heading);
  if (g.overdue.empty()) {
    html += "<p>Aucun pli en retard.</p>";
    return;
  }
  html +=
      "<div class=\"scroll\"><table><thead><tr><th>Transaction</th><th>N° unique</th>"
      "<th>Guichet</th><th>Transmis le</th><th>Échéance</th><th>Retard (j.o.)</th></tr>"
      "</thead><tbody>";
  for (std::size_t i = 0; i < std::min(kOverdueRows, g.overdue.size()); ++i) {
    const ReportOverdue& o = g.overdue[i];
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
        escape_html(o.transaction), escape_html(o.numero_unique), escape_html(o.guichet),
        french(o.sent), french(o.due), o.days_late);
  }
  html += "</tbody></table></div>";
  if (g.overdue.size() > kOverdueRows)
    html += fmt::format("<p>… et {} autres plis en retard.</p>",
                        grouped(g.overdue.size() - kOverdueRows));
}

}  // namespace

std::string escape_html(std::string_view text) { return text::escape_html(text); }

std::vector<ReportChart> report_charts(const PliReport& report) {
  std::vector<ReportChart> out;
  std::string suffix;
  if (!report.guichets.empty())
    suffix = " — tous les guichets";
  else if (!report.all.guichet.empty())
    suffix = " — guichet " + report.all.guichet;
  charts_of(report.all, "", suffix, out);
  for (const auto& g : report.guichets)
    charts_of(g, file_safe(g.guichet) + "-", " — guichet " + g.guichet, out);
  return out;
}

std::string report_html(const PliReport& report) {
  const std::vector<ReportChart> charts = report_charts(report);
  std::string period;
  if (report.query.since) period += " depuis le " + format_timestamp(*report.query.since);
  if (report.query.until) period += " jusqu'au " + format_timestamp(*report.query.until) + " exclu";
  if (period.empty()) period = " : tous les plis";
  std::string statuts_text;
  for (auto s : report.query.statuts)
    statuts_text += (statuts_text.empty() ? "" : ", ") + std::string(info(s).label);
  const std::string who = report.all.guichet.empty()
                              ? fmt::format("{} guichets", report.guichets.size())
                              : "guichet " + report.all.guichet;

  std::string html;
  html.reserve(std::size_t{64} * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  html +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">";
  html += fmt::format("<title>Rapport des plis — {}</title><style>{}</style></head><body><main>",
                      escape_html(who), kStyle);
  html += fmt::format("<h1>Rapport des plis — {}</h1>", escape_html(who));
  html += fmt::format(
      "<p class=\"meta\">Période{}{}. Établi le {} (horloge du service, UTC). Semaines ISO, "
      "jours dans l'heure légale du territoire de chaque demande ; délai du numériseur : {} "
      "jours ouvrés.</p>",
      escape_html(period),
      statuts_text.empty() ? std::string() : " ; statuts : " + escape_html(statuts_text),
      escape_html(format_timestamp(report.now)), kSlaJoursOuvres);
  section(report.all, charts, 0, "h2", html);
  for (std::size_t i = 0; i < report.guichets.size(); ++i) {
    html += fmt::format("<section class=\"guichet\"><h2>Guichet {}</h2>",
                        escape_html(report.guichets[i].guichet));
    section(report.guichets[i], charts, 3 * (i + 1), "h3", html);
    html += "</section>";
  }
  html += "</main></body></html>\n";
  return html;
}

Status write_report_html(const std::string& path, const PliReport& report) {
  auto file = file::AtomicFile::create(path, true);
  if (!file) return file.error();
  (*file)->write(report_html(report));
  return (*file)->commit();
}

Result<std::vector<std::string>> write_report_svgs(const std::string& dir,
                                                   const PliReport& report) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Error(ErrorCode::io,
                 fmt::format("{}: cannot create the folder: {}", dir,
                             std::error_code(errno, std::generic_category()).message()),
                 dir);
  std::vector<std::string> paths;
  for (const auto& chart : report_charts(report)) {
    std::string path = dir + (dir.empty() || dir.back() == '/' ? "" : "/") + chart.file_name;
    auto file = file::AtomicFile::create(path, true);
    if (!file) return file.error();
    (*file)->write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + chart.svg + "\n");
    if (auto st = (*file)->commit(); !st) return st.error();
    paths.push_back(std::move(path));
  }
  return paths;
}

}  // namespace sne
