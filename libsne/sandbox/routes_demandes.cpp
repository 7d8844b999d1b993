// The sandbox's routes for demandes, pieces and plis. Isolation: an agent reads the demandes
// of the territory of their current guichet and the plis that guichet sent; everything else
// answers 404, exactly as something that does not exist.
#include <charconv>
#include <stdexcept>

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sandbox/api.hpp"
#include "sandbox/handler.hpp"
#include "sandbox/store.hpp"
#include "sne/catalog.hpp"
#include "sne/contexte.hpp"
#include "sne/numero.hpp"
#include "sne/statut.hpp"
#include "sne/text.hpp"
#include "wire/wire.hpp"

namespace sne::sandbox {

namespace {

constexpr int kMaxPageSize = 500;

/// The canonical numéro of the path; 400 when malformed, 404 when outside the caller's
/// territory or unknown.
std::string visible_demande(Call& call, const std::string& text) {
  auto numero = NumeroUnique::parse(text);
  if (!numero) invalid(numero.error().message(), "numero_unique");
  auto st = call.db.prepare("SELECT 1 FROM demandes WHERE numero = ? AND territoire = ?");
  st.bind(numero->str(), call.user().territoire);
  if (!st.step()) not_found(fmt::format("no demande {} in your territory", numero->str()));
  return numero->str();
}

std::optional<Date> stored_date(const Stmt& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  auto d = Date::parse(st.text(column));
  return d ? std::optional<Date>(*d) : std::nullopt;
}

std::optional<std::string> iso_or_null(const std::optional<Date>& d) {
  return d ? std::optional<std::string>(d->iso()) : std::nullopt;
}

Demande load_demande(Db& db, const std::string& numero) {
  auto st = db.prepare(
      "SELECT territoire, nom, prenom, date_naissance, date_radiation FROM demandes WHERE "
      "numero = ?");
  st.bind(numero);
  st.step();
  Demande d;
  d.numero_unique = numero;
  d.territoire = st.text(0);
  d.demandeur = {st.text(1), st.text(2), stored_date(st, 3).value_or(Date())};
  d.date_radiation = stored_date(st, 4);
  auto p = db.prepare(
      "SELECT id, type, nom_fichier, taille, date_ajout, transaction_id, date_emission, "
      "date_expiration, annee_revenus, sha256 FROM pieces WHERE numero = ? ORDER BY date_ajout, "
      "id");
  p.bind(numero);
  while (p.step()) {
    StoredPiece piece;
    piece.id = p.text(0);
    piece.type = p.text(1);
    piece.nom_fichier = p.text(2);
    piece.taille = static_cast<std::uint64_t>(p.int64(3));
    piece.date_ajout = from_seconds(p.int64(4));
    piece.transaction = p.text(5);
    piece.date_emission = stored_date(p, 6);
    piece.date_expiration = stored_date(p, 7);
    if (!p.is_null(8)) piece.annee_revenus = static_cast<int>(p.int64(8));
    if (!p.is_null(9)) piece.sha256 = p.text(9);
    d.pieces.push_back(std::move(piece));
  }
  return d;
}

// The store holds the codes that create_pli, the numériseur and the seeds wrote: always valid.
// A code that is none means the database was altered by hand; the request then fails (500,
// naming the value) rather than answering a made-up statut, contexte or outcome.
[[noreturn]] void corrupt(const char* what, const std::string& code) {
  throw std::runtime_error(
      fmt::format("the database holds {} '{}', which is none", what, printable(code)));
}

StatutPli statut_of(const std::string& code) {
  for (const auto& known : statuts())  // the stored code, without parse_statut's copy
    if (code == known.code) return known.value;
  auto s = parse_statut(code);
  if (!s) corrupt("the statut", code);
  return *s;
}

Contexte contexte_of(const std::string& code) {
  auto c = parse_contexte(code);
  if (!c) corrupt("the contexte", code);
  return *c;
}

PieceOutcome outcome_of(const std::string& code) {
  for (auto o : {PieceOutcome::en_attente, PieceOutcome::acceptee, PieceOutcome::rejetee})
    if (to_string(o) == code) return o;
  corrupt("the piece outcome", code);
}

constexpr std::string_view kSummaryColumns =
    "p.transaction_id, p.numero, p.guichet, p.contexte, p.statut, p.date_transmission, "
    "p.date_statut, p.nb_pieces";

PliSummary summary_of(const Stmt& st) {
  PliSummary s;
  s.transaction = st.text(0);
  s.numero_unique = st.text(1);
  s.guichet = st.text(2);
  s.contexte = contexte_of(st.text(3));
  s.statut = statut_of(st.text(4));
  s.date_transmission = from_seconds(st.int64(5));
  s.date_statut = from_seconds(st.int64(6));
  s.nb_pieces = static_cast<int>(st.int64(7));
  return s;
}

/// The pli `transaction` if the caller's current guichet sent it; 404 otherwise.
Pli load_pli(Call& call, const std::string& transaction) {
  auto st = call.db.prepare(fmt::format(
      "SELECT {} FROM plis p WHERE p.transaction_id = ? AND p.guichet = ?", kSummaryColumns));
  st.bind(transaction, call.user().guichet);
  if (!st.step()) not_found(fmt::format("no pli '{}' sent by your guichet", transaction));
  Pli pli;
  pli.resume = summary_of(st);
  auto pieces = call.db.prepare(
      "SELECT type, nom_fichier, taille, resultat, motif FROM pli_pieces "
      "WHERE transaction_id = ? ORDER BY position");
  pieces.bind(transaction);
  while (pieces.step())
    pli.pieces.push_back({pieces.text(0), pieces.text(1),
                          static_cast<std::uint64_t>(pieces.int64(2)), outcome_of(pieces.text(3)),
                          pieces.text(4)});
  auto history = call.db.prepare(
      "SELECT statut, date FROM pli_history WHERE transaction_id = ? ORDER BY position");
  history.bind(transaction);
  while (history.step())
    pli.historique.push_back({statut_of(history.text(0)), from_seconds(history.int64(1))});
  return pli;
}

std::string new_transaction_id(Db& db) {
  for (;;) {
    std::string id = crypto::random_alnum(13);  // as the PWP's: "1jedxw3quz77h"
    auto st = db.prepare("SELECT 1 FROM plis WHERE transaction_id = ?");
    st.bind(id);
    if (!st.step()) return id;
  }
}

/// The pieces of `type` that demande `numero` holds or is about to hold.
struct Counted {
  std::int64_t filed = 0;    ///< in the demande
  std::int64_t waiting = 0;  ///< in its plis not yet final, for the numériseur to file or reject
};

Counted pieces_counted(Db& db, const std::string& numero, const std::string& type) {
  std::string pending;  // the codes of the statuses that are not final, quoted for SQL
  for (const auto& s : statuts())
    if (!s.final) pending += fmt::format("{}'{}'", pending.empty() ? "" : ", ", s.code);
  auto st = db.prepare(fmt::format(
      "SELECT (SELECT count(*) FROM pieces WHERE numero = ?1 AND type = ?2), "
      "(SELECT count(*) FROM pli_pieces pp JOIN plis p ON p.transaction_id = pp.transaction_id "
      "WHERE p.numero = ?1 AND pp.type = ?2 AND pp.resultat = 'en_attente' AND p.statut IN ({}))",
      pending));
  st.bind(numero, type);
  st.step();
  return {st.int64(0), st.int64(1)};
}

// ---- routes -------------------------------------------------------------------------------

Reply get_demande(Call& call) {
  const std::string numero = visible_demande(call, call.params[0]);
  return {200, wire::encode(load_demande(call.db, numero)), {}};
}

Reply create_upload(Call& call) {
  const std::string& content = call.request.body;
  if (content.empty()) invalid("the upload is empty");
  if (content.size() > kMaxPieceBytes)
    refuse(
        413, ErrorCode::invalid_input,
        fmt::format("a piece holds at most {} bytes, this one {}", kMaxPieceBytes, content.size()));
  Upload u{"up-" + crypto::random_alnum(24), content.size(), crypto::sha256_hex(content)};
  auto st = call.db.prepare(
      "INSERT INTO uploads (id, user_id, taille, sha256, content, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  st.bind(u.upload_id, call.user().user_id, static_cast<std::int64_t>(u.taille), u.sha256,
          std::string_view(content), seconds(call.now));
  st.step();
  return {201, wire::encode(u), {}};
}

Reply create_pli(Call& call) {
  const std::string numero = visible_demande(call, call.params[0]);
  const PliInput in = call.decode(wire::decode_pli_input);
  const Catalog& catalog = Catalog::builtin();
  std::map<std::string, int> adding;
  std::vector<std::int64_t> sizes;
  for (std::size_t i = 0; i < in.pieces.size(); ++i) {
    const auto& p = in.pieces[i];
    const std::string name_field = fmt::format("pieces[{}].nom_fichier", i);
    check_printable(p.nom_fichier, name_field);
    if (p.nom_fichier.find_first_of("/\\") != std::string::npos || p.nom_fichier == "." ||
        p.nom_fichier == "..")
      invalid("a file name, not a path, is expected", name_field);
    if (catalog.find_type(p.type) == nullptr)
      invalid(fmt::format("unknown piece type '{}'", p.type), fmt::format("pieces[{}].type", i));
    for (std::size_t j = 0; j < i; ++j)
      if (in.pieces[j].upload_id == p.upload_id)
        invalid(fmt::format("upload '{}' given twice", p.upload_id),
                fmt::format("pieces[{}].upload_id", i));
    auto st = call.db.prepare("SELECT taille, used FROM uploads WHERE id = ? AND user_id = ?");
    st.bind(p.upload_id, call.user().user_id);
    if (!st.step())
      invalid(fmt::format("unknown upload '{}'", p.upload_id),
              fmt::format("pieces[{}].upload_id", i));
    if (st.int64(1) != 0)
      refuse(409, ErrorCode::conflict,
             fmt::format("upload '{}' was already sent in another pli", p.upload_id),
             fmt::format("pieces[{}].upload_id", i));
    sizes.push_back(st.int64(0));
    ++adding[p.type];
  }
  // A category holds at most max_pieces (2): refuse the whole pli rather than half of it. The
  // count is taken in this request's write transaction (BEGIN IMMEDIATE, handler.cpp), so two
  // plis sent at once, from one process or several, cannot both fit in the last place.
  for (const auto& [type, count] : adding) {
    const int max = catalog.find_type(type)->max_pieces;
    const Counted held = pieces_counted(call.db, numero, type);
    if (held.filed + held.waiting + count > max)
      refuse(409, ErrorCode::conflict,
             fmt::format("category '{}' of demande {} is full ({} pieces max.: {} filed, {} in "
                         "plis still in processing, {} in this one)",
                         type, numero, max, held.filed, held.waiting, count),
             "pieces");
  }
  const std::string tx = new_transaction_id(call.db);
  const std::int64_t now = seconds(call.now);
  call.db.run(
      "INSERT INTO plis (transaction_id, numero, guichet, contexte, statut, "
      "date_transmission, date_statut, nb_pieces) "
      "VALUES (?, ?, ?, ?, 'numerisation_en_cours', ?, ?, ?)",
      tx, numero, call.user().guichet, std::string(info(in.contexte).code), now, now,
      static_cast<std::int64_t>(in.pieces.size()));
  call.db.run(
      "INSERT INTO pli_history (transaction_id, position, statut, date) "
      "VALUES (?, 0, 'numerisation_en_cours', ?)",
      tx, now);
  for (std::size_t i = 0; i < in.pieces.size(); ++i) {
    const auto& p = in.pieces[i];
    // The pieces join the demande when the numériseur accepts them (sandbox/numeriseur.cpp).
    call.db.run(
        "INSERT INTO pli_pieces (transaction_id, position, type, nom_fichier, taille, "
        "resultat, upload_id, date_emission, date_expiration, annee_revenus) "
        "VALUES (?, ?, ?, ?, ?, 'en_attente', ?, ?, ?, ?)",
        tx, static_cast<std::int64_t>(i), p.type, p.nom_fichier, sizes[i], p.upload_id,
        iso_or_null(p.date_emission), iso_or_null(p.date_expiration),
        p.annee_revenus ? std::optional<std::int64_t>(*p.annee_revenus) : std::nullopt);
    call.db.run("UPDATE uploads SET used = 1 WHERE id = ?", p.upload_id);
  }
  return {201, wire::encode(load_pli(call, tx)), {}};
}

Reply delete_piece(Call& call) {
  const std::string numero = visible_demande(call, call.params[0]);
  if (call.db.run("DELETE FROM pieces WHERE numero = ? AND id = ?", numero, call.params[1]) == 0)
    not_found(fmt::format("no piece '{}' in demande {}", call.params[1], numero));
  return {204, nullptr, {}};
}

Timestamp query_time(const Call& call, const std::string& key) {
  auto t = parse_timestamp(call.query.at(key));
  if (!t) invalid(t.error().message(), key);
  return *t;
}

/// The filters that GET /v1/plis and GET /v1/plis/motifs share, read from the query: the SQL
/// that follows `WHERE p.guichet = ?1`, whose values are ?2 (statut), ?3 (numéro), ?4 (depuis),
/// ?5 (jusqua) and ?8 (contexte).
struct PliConditions {
  std::string sql;
  std::string statut, numero, contexte;
  std::optional<std::int64_t> depuis, jusqua;

  /// Binds ?1 and the values of the conditions present (a statement may name no others).
  void bind(Stmt& st, const std::string& guichet) const {
    st.bind_at(1, guichet);
    if (!statut.empty()) st.bind_at(2, statut);
    if (!numero.empty()) st.bind_at(3, numero);
    if (depuis) st.bind_at(4, *depuis);
    if (jusqua) st.bind_at(5, *jusqua);
    if (!contexte.empty()) st.bind_at(8, contexte);
  }
};

PliConditions pli_conditions(Call& call) {
  PliConditions c;
  if (call.query.count("statut")) {
    auto s = parse_statut(call.query.at("statut"));
    if (!s) invalid(s.error().message(), "statut");
    c.statut = std::string(info(*s).code);
    c.sql += " AND p.statut = ?2";
  }
  if (call.query.count("numero_unique")) {
    auto n = NumeroUnique::parse(call.query.at("numero_unique"));
    if (!n) invalid(n.error().message(), "numero_unique");
    c.numero = n->str();
    c.sql += " AND p.numero = ?3";
  }
  if (call.query.count("contexte")) {
    auto x = parse_contexte(call.query.at("contexte"));
    if (!x) invalid(x.error().message(), "contexte");
    c.contexte = std::string(info(*x).code);
    c.sql += " AND p.contexte = ?8";
  }
  if (call.query.count("depuis")) {
    c.depuis = seconds(query_time(call, "depuis"));
    c.sql += " AND p.date_transmission >= ?4";
  }
  if (call.query.count("jusqua")) {
    c.jusqua = seconds(query_time(call, "jusqua"));
    c.sql += " AND p.date_transmission < ?5";
  }
  return c;
}

Reply list_plis(Call& call) {
  call.expect_query({"statut", "numero_unique", "contexte", "depuis", "jusqua", "limit", "cursor",
                     "idempotency_key"});
  if (call.query.count("idempotency_key")) {
    // The pli whose creation this agent asked with that key (handler.cpp keeps the answers of
    // creating requests by key and agent), if their current guichet sent it: found by the key,
    // never by a scan of the guichet's plis (a bulk run asks it for every row).
    if (call.query.size() > 1) invalid("idempotency_key is given alone", "idempotency_key");
    auto st = call.db.prepare(fmt::format(
        "SELECT {} FROM idempotency i JOIN plis p ON p.transaction_id = json_extract(i.response, "
        "'$.transaction') WHERE i.key = ? AND i.principal = ? AND i.method = 'POST' AND "
        "i.target LIKE '/v1/demandes/%/plis' AND i.status = 201 AND p.guichet = ?",
        kSummaryColumns));
    st.bind(call.query.at("idempotency_key"), std::to_string(call.user().user_id),
            call.user().guichet);
    PliPage page;
    if (st.step()) page.items.push_back(summary_of(st));
    return {200, wire::encode(page), {}};
  }
  const PliConditions where = pli_conditions(call);
  std::string sql =
      fmt::format("SELECT {} FROM plis p WHERE p.guichet = ?1{}", kSummaryColumns, where.sql);
  std::optional<std::int64_t> cursor_date;
  std::string cursor_tx;
  int limit = 50;
  if (call.query.count("limit")) {
    const std::string& text = call.query.at("limit");
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > kMaxPageSize)
      invalid(fmt::format("limit must be an integer from 1 to {}", kMaxPageSize), "limit");
    limit = value;
  }
  if (call.query.count("cursor")) {
    // The cursor is the position of the last item shown: "<date_transmission>.<transaction>".
    const std::string& c = call.query.at("cursor");
    const auto dot = c.find('.');
    std::int64_t date = 0;
    auto [end, ec] =
        std::from_chars(c.data(), c.data() + (dot == std::string::npos ? 0 : dot), date);
    if (dot == std::string::npos || ec != std::errc() || end != c.data() + dot)
      invalid("malformed cursor", "cursor");
    cursor_date = date;
    cursor_tx = c.substr(dot + 1);
    sql +=
        " AND (p.date_transmission < ?6 OR (p.date_transmission = ?6 AND p.transaction_id < ?7))";
  }
  sql += " ORDER BY p.date_transmission DESC, p.transaction_id DESC LIMIT ?9";
  auto st = call.db.prepare(sql);
  st.bind(call.user().guichet, where.statut, where.numero, where.depuis, where.jusqua, cursor_date,
          cursor_tx, where.contexte, static_cast<std::int64_t>(limit + 1));
  PliPage page;
  page.items.reserve(static_cast<std::size_t>(limit) + 1);
  while (st.step()) page.items.push_back(summary_of(st));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.pop_back();
    const auto& last = page.items.back();
    page.next_cursor = fmt::format("{}.{}", seconds(last.date_transmission), last.transaction);
  }
  return {200, nullptr, {}, wire::encode_text(page)};
}

/// What `sne pli report` counts of rejections, in one request rather than one per rejected
/// pli: for the rejected plis (rejet_pieces, rejet_dossier) the filters select, each motif of
/// their rejected pieces with the plis and the pieces it was given to.
Reply pli_motifs(Call& call) {
  call.expect_query({"statut", "numero_unique", "contexte", "depuis", "jusqua"});
  const PliConditions c = pli_conditions(call);
  std::string rejected;
  for (const auto& s : statuts())
    if (s.rejected) rejected += fmt::format("{}'{}'", rejected.empty() ? "" : ", ", s.code);
  const std::string where = fmt::format("p.guichet = ?1{} AND p.statut IN ({})", c.sql, rejected);
  wire::RejectionMotifs out;
  auto count = call.db.prepare(fmt::format("SELECT count(*) FROM plis p WHERE {}", where));
  c.bind(count, call.user().guichet);
  if (count.step()) out.plis = count.int64(0);
  auto motifs = call.db.prepare(fmt::format(
      "SELECT pp.motif, count(DISTINCT p.transaction_id), count(*) FROM plis p JOIN pli_pieces "
      "pp ON pp.transaction_id = p.transaction_id WHERE {} AND pp.resultat = 'rejetee' GROUP BY "
      "pp.motif ORDER BY 2 DESC, 1",
      where));
  c.bind(motifs, call.user().guichet);
  while (motifs.step()) out.motifs.push_back({motifs.text(0), motifs.int64(1), motifs.int64(2)});
  return {200, wire::encode(out), {}};
}

Reply get_pli(Call& call) { return {200, wire::encode(load_pli(call, call.params[0])), {}}; }

}  // namespace

const std::vector<Route>& demande_routes() {
  static const std::vector<Route> routes{
      {"GET", "/v1/demandes/{numero_unique}", Access::agent, get_demande},
      {"POST", "/v1/uploads", Access::agent, create_upload},
      {"POST", "/v1/demandes/{numero_unique}/plis", Access::agent, create_pli},
      {"DELETE", "/v1/demandes/{numero_unique}/pieces/{piece_id}", Access::agent, delete_piece},
      {"GET", "/v1/plis", Access::agent, list_plis},
      // Before {transaction}, which would take it for a transaction id (routes match in order).
      {"GET", "/v1/plis/motifs", Access::agent, pli_motifs},
      {"GET", "/v1/plis/{transaction}", Access::agent, get_pli},
  };
  return routes;
}

}  // namespace sne::sandbox
