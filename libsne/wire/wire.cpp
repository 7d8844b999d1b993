#include "wire/wire.hpp"

#include <fmt/format.h>

#include "base/append.hpp"

#include "sne/contexte.hpp"
#include "sne/statut.hpp"

namespace sne::wire {

namespace {

std::string ts(Timestamp t) { return format_timestamp(t); }

Timestamp timestamp(const Node& n) {
  auto t = parse_timestamp(n.string());
  if (!t) n.fail(t.error().message());
  return *t;
}

/// A string of at most `max` bytes, not empty.
std::string bounded(const Node& n, std::size_t max) {
  std::string s = n.string();
  if (s.size() > max) n.fail(fmt::format("longer than {} bytes", max));
  return s;
}

/// The document dates of a stored or sent piece: null (stored) or absent (sent) when unknown.
template <class Piece>
void put_dates(json& out, const Piece& p, bool nulls) {
  auto put = [&](const char* key, const auto& value, auto convert) {
    if (value)
      out[key] = convert(*value);
    else if (nulls)
      out[key] = nullptr;
  };
  put("date_emission", p.date_emission, [](Date d) { return d.iso(); });
  put("date_expiration", p.date_expiration, [](Date d) { return d.iso(); });
  put("annee_revenus", p.annee_revenus, [](int y) { return y; });
}

Date date(const Node& n) {
  auto d = Date::parse(n.string());
  if (!d) n.fail(d.error().message());
  return *d;
}

template <class Piece>
void read_dates(const Node& n, Piece& p) {
  auto optional_date = [&](const char* key) -> std::optional<Date> {
    auto v = n.find(key);
    if (!v || v->raw().is_null()) return std::nullopt;
    return date(*v);
  };
  p.date_emission = optional_date("date_emission");
  p.date_expiration = optional_date("date_expiration");
  if (auto v = n.find("annee_revenus"); v && !v->raw().is_null())
    p.annee_revenus = static_cast<int>(v->integer(1900, 2200));
}

std::string text_or_empty(const Node& n, std::string_view key) {
  auto v = n.find(key);
  return v && !v->raw().is_null() ? v->string(true) : std::string();
}

StatutPli statut(const Node& n) {
  auto s = parse_statut(n.string());
  if (!s) n.fail(s.error().message());
  return *s;
}

Contexte contexte(const Node& n) {
  auto c = parse_contexte(n.string());
  if (!c) n.fail(c.error().message());
  return *c;
}

template <class Enum, std::size_t N>
Enum enum_of(const Node& n, const std::array<Enum, N>& values) {
  const std::string s = n.string();
  for (Enum v : values)
    if (to_string(v) == s) return v;
  n.fail(fmt::format("unknown value '{}'", s));
}

constexpr std::array kRequestStatuses{RequestStatus::en_attente, RequestStatus::validee,
                                      RequestStatus::rejetee, RequestStatus::activee};
constexpr std::array kRoles{Role::agent, Role::referent};
constexpr std::array kOutcomes{PieceOutcome::en_attente, PieceOutcome::acceptee,
                               PieceOutcome::rejetee};

Guichet decode_guichet(const Node& n) {
  return {n.at("code").string(), n.at("nom").string(), n.at("siret").string(),
          n.at("territoire").string()};
}

}  // namespace

json encode(const Guichet& g) {
  return {{"code", g.code}, {"nom", g.nom}, {"siret", g.siret}, {"territoire", g.territoire}};
}

json encode(const Me& me) {
  json guichets = json::array();
  for (const auto& g : me.guichets) guichets.push_back(encode(g));
  return {{"email", me.email},          {"nom", me.nom},
          {"prenom", me.prenom},        {"telephone", me.telephone},
          {"role", to_string(me.role)}, {"guichet", me.guichet},
          {"guichets", guichets},       {"daily_mail", me.daily_mail}};
}

json encode(const AccountRequestInput& in) {
  return {{"nom", in.nom},
          {"prenom", in.prenom},
          {"email", in.email},
          {"telephone", in.telephone},
          {"type_organisme", in.type_organisme},
          {"organisme", in.organisme},
          {"guichets", in.guichets}};
}

json encode(const AccountRequest& r) {
  json out = encode(r.input);
  out["id"] = r.id;
  out["statut"] = to_string(r.statut);
  out["motif"] = r.motif;
  out["created_at"] = ts(r.date_creation);
  out["decided_at"] = r.date_decision ? json(ts(*r.date_decision)) : json(nullptr);
  return out;
}

json encode(const ProfileChange& c) {
  json out = json::object();
  if (c.nom) out["nom"] = *c.nom;
  if (c.prenom) out["prenom"] = *c.prenom;
  if (c.telephone) out["telephone"] = *c.telephone;
  if (c.daily_mail) out["daily_mail"] = *c.daily_mail;
  return out;
}

json encode(const Session& s) {
  return {{"token", s.token}, {"email", s.email}, {"expires_at", ts(s.expires_at)}};
}

json encode(const Demande& d) {
  json pieces = json::array();
  for (const auto& p : d.pieces) {
    json piece = {{"id", p.id},
                  {"type", p.type},
                  {"nom_fichier", p.nom_fichier},
                  {"taille", p.taille},
                  {"date_ajout", ts(p.date_ajout)},
                  {"transaction", p.transaction}};
    put_dates(piece, p, true);
    if (!p.sha256.empty()) piece["sha256"] = p.sha256;
    pieces.push_back(std::move(piece));
  }
  return {{"numero_unique", d.numero_unique},
          {"territoire", d.territoire},
          {"demandeur",
           {{"nom", d.demandeur.nom},
            {"prenom", d.demandeur.prenom},
            {"date_naissance", d.demandeur.date_naissance.iso()}}},
          {"date_radiation", d.date_radiation ? json(d.date_radiation->iso()) : json(nullptr)},
          {"pieces", pieces}};
}

json encode(const Upload& u) {
  return {{"upload_id", u.upload_id}, {"taille", u.taille}, {"sha256", u.sha256}};
}

json encode(const PliInput& in) {
  json pieces = json::array();
  for (const auto& p : in.pieces) {
    json piece = {{"type", p.type}, {"nom_fichier", p.nom_fichier}, {"upload_id", p.upload_id}};
    put_dates(piece, p, false);
    pieces.push_back(std::move(piece));
  }
  return {{"contexte", info(in.contexte).code}, {"pieces", pieces}};
}

json encode(const PliSummary& p) {
  return {{"transaction", p.transaction},
          {"numero_unique", p.numero_unique},
          {"guichet", p.guichet},
          {"contexte", info(p.contexte).code},
          {"statut", info(p.statut).code},
          {"date_transmission", ts(p.date_transmission)},
          {"date_statut", ts(p.date_statut)},
          {"nb_pieces", p.nb_pieces}};
}

namespace {

/// `s` as a JSON string, escaped as nlohmann::json::dump() escapes it (valid UTF-8 as is).
void append_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    // A run of characters that need no escape, appended at once.
    std::size_t plain = i;
    while (plain < s.size() && static_cast<unsigned char>(s[plain]) >= 0x20 && s[plain] != '"' &&
           s[plain] != '\\')
      ++plain;
    if (plain > i) {
      out.append(s.data() + i, plain - i);
      i = plain;
      if (i == s.size()) break;
    }
    const char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string encode_text(const PliPage& page) {
  // Members in nlohmann::json's order (its objects are sorted by key), so that the text is
  // the one dump() writes.
  std::string out;
  out.reserve(64 + page.items.size() * 240);
  out += "{\"items\":[";
  for (std::size_t i = 0; i < page.items.size(); ++i) {
    const PliSummary& p = page.items[i];
    out += i == 0 ? "{\"contexte\":" : ",{\"contexte\":";
    append_string(out, info(p.contexte).code);
    out += ",\"date_statut\":\"";
    text::append_timestamp(out, p.date_statut);
    out += "\",\"date_transmission\":\"";
    text::append_timestamp(out, p.date_transmission);
    out += "\",\"guichet\":";
    append_string(out, p.guichet);
    out += ",\"nb_pieces\":";
    text::append_integer(out, p.nb_pieces);
    out += ",\"numero_unique\":";
    append_string(out, p.numero_unique);
    out += ",\"statut\":";
    append_string(out, info(p.statut).code);
    out += ",\"transaction\":";
    append_string(out, p.transaction);
    out += '}';
  }
  out += "],\"next_cursor\":";
  if (page.next_cursor.empty())
    out += "null";
  else
    append_string(out, page.next_cursor);
  out += '}';
  return out;
}

json encode(const Pli& p) {
  json out = encode(p.resume);
  json pieces = json::array();
  for (const auto& piece : p.pieces)
    pieces.push_back({{"type", piece.type},
                      {"nom_fichier", piece.nom_fichier},
                      {"taille", piece.taille},
                      {"resultat", to_string(piece.resultat)},
                      {"motif", piece.motif}});
  json history = json::array();
  for (const auto& h : p.historique)
    history.push_back({{"statut", info(h.statut).code}, {"date", ts(h.date)}});
  out["pieces"] = pieces;
  out["historique"] = history;
  return out;
}

json encode(const PliPage& page) {
  json items = json::array();
  for (const auto& p : page.items) items.push_back(encode(p));
  return {{"items", items},
          {"next_cursor", page.next_cursor.empty() ? json(nullptr) : json(page.next_cursor)}};
}

json encode(const RejectionMotifs& m) {
  json motifs = json::array();
  for (const auto& c : m.motifs)
    motifs.push_back({{"motif", c.motif}, {"plis", c.plis}, {"pieces", c.pieces}});
  return {{"plis", m.plis}, {"motifs", motifs}};
}

Me decode_me(const Node& n) {
  Me me;
  me.email = n.at("email").string();
  me.nom = n.at("nom").string(true);
  me.prenom = n.at("prenom").string(true);
  me.telephone = n.at("telephone").string(true);
  me.role = enum_of(n.at("role"), kRoles);
  me.guichet = n.at("guichet").string();
  for (const auto& g : n.at("guichets").items(1000)) me.guichets.push_back(decode_guichet(g));
  me.daily_mail = n.at("daily_mail").boolean();
  return me;
}

AccountRequest decode_account_request(const Node& n) {
  AccountRequest r;
  r.id = n.at("id").string();
  r.statut = enum_of(n.at("statut"), kRequestStatuses);
  r.input.nom = n.at("nom").string(true);
  r.input.prenom = n.at("prenom").string(true);
  r.input.email = n.at("email").string(true);
  r.input.telephone = n.at("telephone").string(true);
  r.input.type_organisme = n.at("type_organisme").string(true);
  r.input.organisme = n.at("organisme").string(true);
  for (const auto& g : n.at("guichets").items(100)) r.input.guichets.push_back(g.string());
  r.motif = text_or_empty(n, "motif");
  r.date_creation = timestamp(n.at("created_at"));
  if (auto d = n.find("decided_at"); d && !d->raw().is_null()) r.date_decision = timestamp(*d);
  return r;
}

Session decode_session(const Node& n) {
  return {n.at("token").string(), n.at("email").string(), timestamp(n.at("expires_at"))};
}

Demande decode_demande(const Node& n) {
  Demande d;
  d.numero_unique = n.at("numero_unique").string();
  d.territoire = n.at("territoire").string();
  const Node who = n.at("demandeur");
  d.demandeur = {who.at("nom").string(true), who.at("prenom").string(true),
                 date(who.at("date_naissance"))};
  for (const auto& p : n.at("pieces").items(10000)) {
    StoredPiece piece;
    piece.id = p.at("id").string();
    piece.type = p.at("type").string();
    piece.nom_fichier = p.at("nom_fichier").string(true);
    piece.taille = static_cast<std::uint64_t>(p.at("taille").integer(0, INT64_MAX));
    piece.date_ajout = timestamp(p.at("date_ajout"));
    piece.transaction = p.at("transaction").string(true);
    read_dates(p, piece);
    if (auto sha = p.find("sha256"); sha && !sha->raw().is_null()) piece.sha256 = sha->string();
    d.pieces.push_back(std::move(piece));
  }
  if (auto r = n.find("date_radiation"); r && !r->raw().is_null()) {
    d.date_radiation = date(*r);
  }
  return d;
}

Upload decode_upload(const Node& n) {
  return {n.at("upload_id").string(),
          static_cast<std::uint64_t>(n.at("taille").integer(0, INT64_MAX)),
          n.at("sha256").string()};
}

PliSummary decode_pli_summary(const Node& n) {
  PliSummary p;
  p.transaction = n.at("transaction").string();
  p.numero_unique = n.at("numero_unique").string();
  p.guichet = n.at("guichet").string();
  p.contexte = contexte(n.at("contexte"));
  p.statut = statut(n.at("statut"));
  p.date_transmission = timestamp(n.at("date_transmission"));
  p.date_statut = timestamp(n.at("date_statut"));
  p.nb_pieces = static_cast<int>(n.at("nb_pieces").integer(0, 1000000));
  return p;
}

Pli decode_pli(const Node& n) {
  Pli p;
  p.resume = decode_pli_summary(n);
  for (const auto& piece : n.at("pieces").items(1000)) {
    PliPiece out;
    out.type = piece.at("type").string();
    out.nom_fichier = piece.at("nom_fichier").string(true);
    out.taille = static_cast<std::uint64_t>(piece.at("taille").integer(0, INT64_MAX));
    out.resultat = enum_of(piece.at("resultat"), kOutcomes);
    out.motif = text_or_empty(piece, "motif");
    p.pieces.push_back(std::move(out));
  }
  for (const auto& h : n.at("historique").items(1000))
    p.historique.push_back({statut(h.at("statut")), timestamp(h.at("date"))});
  return p;
}

PliPage decode_pli_page(const Node& n) {
  PliPage page;
  for (const auto& item : n.at("items").items(1000)) page.items.push_back(decode_pli_summary(item));
  page.next_cursor = text_or_empty(n, "next_cursor");
  return page;
}

RejectionMotifs decode_rejection_motifs(const Node& n) {
  RejectionMotifs m;
  m.plis = n.at("plis").integer(0, INT64_MAX);
  for (const auto& c : n.at("motifs").items(100000))
    m.motifs.push_back({c.at("motif").string(true), c.at("plis").integer(0, INT64_MAX),
                        c.at("pieces").integer(0, INT64_MAX)});
  return m;
}

AccountRequestInput decode_account_request_input(const Node& n) {
  n.expect_keys({"nom", "prenom", "email", "telephone", "type_organisme", "organisme", "guichets"});
  AccountRequestInput in;
  in.nom = bounded(n.at("nom"), kMaxNameLength);
  in.prenom = bounded(n.at("prenom"), kMaxNameLength);
  in.email = bounded(n.at("email"), kMaxEmailLength);
  in.telephone = bounded(n.at("telephone"), kMaxTelephoneLength);
  in.type_organisme = bounded(n.at("type_organisme"), kMaxNameLength);
  in.organisme = bounded(n.at("organisme"), kMaxNameLength);
  const Node guichets = n.at("guichets");
  const auto items = guichets.items(kMaxGuichetsPerRequest);
  if (items.empty()) guichets.fail("expected at least one code guichet");
  for (const auto& g : items) in.guichets.push_back(bounded(g, 5));
  return in;
}

ProfileChange decode_profile_change(const Node& n) {
  n.expect_keys({"nom", "prenom", "telephone", "daily_mail"});
  ProfileChange c;
  if (auto v = n.find("nom")) c.nom = bounded(*v, kMaxNameLength);
  if (auto v = n.find("prenom")) c.prenom = bounded(*v, kMaxNameLength);
  if (auto v = n.find("telephone")) c.telephone = bounded(*v, kMaxTelephoneLength);
  if (auto v = n.find("daily_mail")) c.daily_mail = v->boolean();
  return c;
}

PliInput decode_pli_input(const Node& n) {
  n.expect_keys({"contexte", "pieces"});
  PliInput in;
  const Node contexte_node = n.at("contexte");
  const std::string contexte_text = bounded(contexte_node, 32);  // a code ("AJO") or a name
  const Node pieces = n.at("pieces");
  const auto items = pieces.items(kMaxPiecesPerPli);
  if (items.empty()) pieces.fail("expected at least one piece");
  for (const auto& p : items) {
    p.expect_keys(
        {"type", "nom_fichier", "upload_id", "date_emission", "date_expiration", "annee_revenus"});
    PliPieceInput piece;
    piece.type = bounded(p.at("type"), 64);
    piece.nom_fichier = bounded(p.at("nom_fichier"), 255);
    piece.upload_id = bounded(p.at("upload_id"), 64);
    read_dates(p, piece);
    in.pieces.push_back(std::move(piece));
  }
  auto contexte = parse_contexte(contexte_text);
  if (!contexte) contexte_node.fail(contexte.error().message());
  in.contexte = *contexte;
  return in;
}

}  // namespace sne::wire
