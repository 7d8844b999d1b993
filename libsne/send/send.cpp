#include "sne/send.hpp"

#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "base/file.hpp"
#include "base/i18n.hpp"
#include "base/text.hpp"
#include "crypto/crypto.hpp"
#include "sne/contexte.hpp"
#include "sne/numero.hpp"

namespace sne {

namespace {

constexpr std::size_t kMaxFiles = 20;

/// The name a piece is sent under: the file's base name, in UTF-8 as the contract wants. A
/// name that is not UTF-8 is taken as Latin-1 (a file share's "quittance_f\xe9v.pdf").
std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (text::valid_utf8(name)) return name;
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    if (const std::size_t n = text::utf8_sequence(name, i); n > 0) {
      out.append(name, i, n);
      i += n;
      continue;
    }
    const auto c = static_cast<unsigned char>(name[i++]);
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

/// The key of a send: what it sends, never the files' names (a script that copies its scans
/// to temporary names sends the same pli).
std::string content_key(const NumeroUnique& numero, const SendPiecesInput& in, Contexte contexte,
                        const std::vector<std::string>& hashes) {
  std::string material =
      fmt::format("sne-send-pieces-2\n{}\n{}\n{}\n{}\n{}\n{}\n", numero.str(), in.type,
                  info(contexte).code, in.date_emission ? in.date_emission->iso() : "",
                  in.date_expiration ? in.date_expiration->iso() : "",
                  in.annee_revenus ? std::to_string(*in.annee_revenus) : "");
  for (const auto& h : hashes) material += h + "\n";
  return "pieces-" + crypto::sha256_hex(material).substr(0, 40);
}

/// Whether `pli` is what `in` sends: a key reused for another demande or other pieces (a
/// manifest numbering its keys per export) must not pass for a send already made.
bool same_send(const Pli& pli, const NumeroUnique& numero, const SendPiecesInput& in) {
  if (pli.resume.numero_unique != numero.str() || pli.pieces.size() != in.files.size())
    return false;
  for (std::size_t i = 0; i < pli.pieces.size(); ++i) {
    if (pli.pieces[i].type != in.type) return false;
    struct stat st {};
    if (::stat(in.files[i].c_str(), &st) == 0 &&
        pli.pieces[i].taille != static_cast<std::uint64_t>(st.st_size))
      return false;
  }
  return true;
}

/// The pli an earlier send with `key` made, if any, when it is this send.
Result<std::optional<Pli>> earlier_send(Service& service, const std::string& key,
                                        const NumeroUnique& numero, const SendPiecesInput& in) {
  auto pli = find_sent_pli(service, key);
  if (!pli || !*pli) return pli;
  if (!same_send(**pli, numero, in))
    return Error(ErrorCode::conflict,
                 i18n::format_plural("idempotency key '{}' already made pli {} for demande {} "
                                     "({} piece), not this send: give each send its own key",
                                     "idempotency key '{}' already made pli {} for demande {} "
                                     "({} pieces), not this send: give each send its own key",
                                     (*pli)->pieces.size(), key, (*pli)->resume.transaction,
                                     (*pli)->resume.numero_unique, (*pli)->pieces.size()),
                 "idempotency_key");
  return pli;
}

}  // namespace

Result<std::optional<Pli>> find_sent_pli(Service& service, const std::string& key) {
  PliFilter filter;
  filter.idempotency_key = key;
  filter.limit = 1;
  auto page = service.plis(filter);
  if (!page) return page.error();
  if (page->items.empty()) return std::optional<Pli>();
  auto pli = service.pli(page->items.front().transaction);
  if (!pli) return pli.error();
  return std::optional<Pli>(std::move(*pli));
}

Result<std::string> send_idempotency_key(const SendPiecesInput& in,
                                         const std::vector<std::string>& sha256) {
  if (!in.idempotency_key.empty()) return in.idempotency_key;
  auto numero = NumeroUnique::parse(in.numero_unique);
  if (!numero) return numero.error();
  return content_key(*numero, in, in.contexte, sha256);
}

Result<SendPiecesResult> send_pieces(Service& service, const SendPiecesInput& in) {
  auto numero = NumeroUnique::parse(in.numero_unique);
  if (!numero) return numero.error();
  if (in.files.empty() || in.files.size() > kMaxFiles)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("a pli holds 1 to {} files, not {}"), kMaxFiles, in.files.size()),
                 "files");
  const Catalog& catalog = in.catalog != nullptr ? *in.catalog : Catalog::builtin();
  const PieceType* type = catalog.find_type(in.type);
  if (type == nullptr)
    return Error(ErrorCode::invalid_input,
                 i18n::format(N_("piece type '{}' is not in the plan de classement"), in.type),
                 "type");

  SendPiecesResult out;
  out.dry_run = in.dry_run;
  // 1. Preflight: nothing is sent unless every file passes.
  InspectOptions options = in.preflight;
  options.catalog = &catalog;
  options.type = in.type;
  const bool inspected = in.inspected.size() == in.files.size();
  // A file that cannot be opened is an input that is not there, said as every command says it
  // (io), before any preflight; what is in a file that opens is the preflight's to judge.
  if (!inspected)
    for (const auto& file : in.files)
      if (auto readable = file::check_readable(file); !readable) return readable.error();
  for (std::size_t i = 0; i < in.files.size(); ++i) {
    const std::string& file = in.files[i];
    out.preflight.push_back(inspected ? in.inspected[i] : inspect_file(file, options));
    const auto& r = out.preflight.back();
    out.bytes += r.bytes;
    if (!r.ok())
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("{}: {} ({}): nothing was sent"), file,
                                i18n::Nested{r.problems.front().message}, r.problems.front().code),
                   file);
    if (in.strict && !r.warnings.empty())
      return Error(ErrorCode::invalid_input,
                   i18n::format(N_("{}: {} ({}), refused as strict: nothing was sent"), file,
                                i18n::Nested{r.warnings.front().message}, r.warnings.front().code),
                   file);
  }

  // 2. The key, and whether it already made a pli: a replay is recognised before any check of
  // the demande, whose state the first send changed (its pieces filed, its category full).
  std::vector<std::string> hashes = in.sha256;
  if (hashes.size() != in.files.size()) {
    hashes.clear();
    for (const auto& file : in.files) {
      auto h = crypto::sha256_file_hex(file);
      if (!h) return h.error();
      hashes.push_back(*h);
    }
  }
  out.idempotency_key = in.idempotency_key.empty() ? content_key(*numero, in, in.contexte, hashes)
                                                   : in.idempotency_key;
  auto earlier = earlier_send(service, out.idempotency_key, *numero, in);
  if (!earlier) return earlier.error();
  if (*earlier) {
    out.pli = std::move(**earlier);
    out.replayed = true;
    return out;
  }

  // 3. The demande: radiated, or no room left in the category.
  auto demande = service.demande(numero->str());
  if (!demande) return demande.error();
  if (demande->date_radiation)
    return Error(ErrorCode::conflict,
                 i18n::format(N_("demande {} was radiated on {}: the SNE would reject the pli"),
                              numero->str(), demande->date_radiation->iso()),
                 numero->str());
  int held = 0;
  std::vector<const StoredPiece*> same;  // filed pieces with the content of one of the files
  for (const auto& p : demande->pieces) {
    if (p.type != in.type) continue;
    ++held;
    for (std::size_t i = 0; i < hashes.size(); ++i)
      if (!p.sha256.empty() && p.sha256 == hashes[i]) {
        same.push_back(&p);
        out.warnings.push_back(
            {std::string(send_warning::duplicate_content),
             i18n::format(N_("{} has the content of piece {} ({}) already filed in demande {} by "
                             "pli {}"),
                          in.files[i], p.id, p.nom_fichier, numero->str(), p.transaction)});
      }
  }
  if (held + static_cast<int>(in.files.size()) > type->max_pieces) {
    const std::string what = i18n::format_plural(
        "category '{}' of demande {} holds {} of {} pieces, {} more does not fit",
        "category '{}' of demande {} holds {} of {} pieces, {} more do not fit", in.files.size(),
        in.type, numero->str(), held, type->max_pieces, in.files.size());
    // Never suggest deleting the very pieces being sent again.
    if (!same.empty())
      return Error(ErrorCode::conflict,
                   i18n::format(N_("{}: it already holds the content of {} (piece {} of pli {}), "
                                   "sent under another key"),
                                i18n::Nested{what}, same.front()->nom_fichier, same.front()->id,
                                same.front()->transaction),
                   same.front()->id);
    return Error(ErrorCode::conflict, what, in.type);
  }
  if (in.dry_run) return out;

  // 4. Uploads, streamed from disk, each under a key of its own, then the pli.
  PliInput pli;
  pli.contexte = in.contexte;
  for (std::size_t i = 0; i < in.files.size(); ++i) {
    // Each upload's key is the pli's and its position, within the contract's 255 characters.
    const std::string& key = out.idempotency_key;
    auto up = service.upload_file(
        in.files[i], fmt::format("{}-{}", key.size() > 240 ? crypto::sha256_hex(key) : key, i));
    if (!up) return up.error();
    if (!up->sha256.empty() && up->sha256 != hashes[i])
      return Error(
          ErrorCode::invalid_input,
          i18n::format(N_("{} changed while it was being sent: nothing was sent"), in.files[i]),
          in.files[i]);
    PliPieceInput piece;
    piece.type = in.type;
    piece.nom_fichier = base_name(in.files[i]);
    piece.upload_id = up->upload_id;
    piece.date_emission = in.date_emission;
    piece.date_expiration = in.date_expiration;
    piece.annee_revenus = in.annee_revenus;
    pli.pieces.push_back(std::move(piece));
  }
  auto sent = service.send_pli(numero->str(), pli, out.idempotency_key);
  if (!sent && sent.error().http_status() == 409 && sent.error().subject() == "Idempotency-Key") {
    // The same content sent at the same time under other file names (two rows of a manifest):
    // whichever came first made the pli, and this send is that one.
    auto first = earlier_send(service, out.idempotency_key, *numero, in);
    if (!first) return first.error();
    if (*first) {
      out.pli = std::move(**first);
      out.replayed = true;
      return out;
    }
  }
  if (!sent) return sent.error();
  out.pli = std::move(*sent);
  return out;
}

}  // namespace sne
