#include "sne/send.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sne/contexte.hpp"
#include "sne/numero.hpp"

namespace sne {

namespace {

constexpr std::size_t kMaxFiles = 20;

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<SendPiecesResult> send_pieces(Service& service, const SendPiecesInput& in) {
  auto numero = NumeroUnique::parse(in.numero_unique);
  if (!numero) return numero.error();
  auto contexte = parse_contexte(in.contexte);
  if (!contexte) return contexte.error();
  if (in.files.empty() || in.files.size() > kMaxFiles)
    return Error(ErrorCode::invalid_input,
                 fmt::format("a pli holds 1 to {} files, not {}", kMaxFiles, in.files.size()),
                 "files");
  const Catalog& catalog = in.catalog != nullptr ? *in.catalog : Catalog::builtin();
  const PieceType* type = catalog.find_type(in.type);
  if (type == nullptr)
    return Error(ErrorCode::invalid_input,
                 fmt::format("piece type '{}' is not in the plan de classement (see 'sne piece "
                             "types')",
                             in.type),
                 "type");

  SendPiecesResult out;
  // 1. Preflight: nothing is sent unless every file passes.
  InspectOptions options = in.preflight;
  options.catalog = &catalog;
  options.type = in.type;
  for (const auto& file : in.files) {
    out.preflight.push_back(inspect_file(file, options));
    const auto& r = out.preflight.back();
    if (!r.ok())
      return Error(ErrorCode::invalid_input,
                   fmt::format("{}: {} ({}): nothing was sent", file, r.problems.front().message,
                               r.problems.front().code),
                   file);
  }

  // 2. The demande: radiated, or no room left in the category.
  auto demande = service.demande(numero->str());
  if (!demande) return demande.error();
  if (demande->date_radiation)
    return Error(ErrorCode::conflict,
                 fmt::format("demande {} was radiated on {}: the SNE would reject the pli",
                             numero->str(), demande->date_radiation->iso()),
                 numero->str());
  const auto held =
      static_cast<int>(std::count_if(demande->pieces.begin(), demande->pieces.end(),
                                     [&](const StoredPiece& p) { return p.type == in.type; }));
  if (held + static_cast<int>(in.files.size()) > type->max_pieces)
    return Error(
        ErrorCode::conflict,
        fmt::format("category '{}' of demande {} holds {} of {} pieces, {} more {} not "
                    "fit: run 'sne dossier clean {} --for {}:{}' first",
                    in.type, numero->str(), held, type->max_pieces, in.files.size(),
                    in.files.size() == 1 ? "does" : "do", numero->str(), in.type, in.files.size()),
        in.type);

  // 3. The key: the same files for the same demande give the same pli.
  std::string key = in.idempotency_key;
  std::vector<std::string> hashes;
  for (const auto& file : in.files) {
    auto h = crypto::sha256_file_hex(file);
    if (!h) return h.error();
    hashes.push_back(*h);
  }
  if (key.empty()) {
    std::string material =
        fmt::format("sne-send-pieces-1\n{}\n{}\n{}\n{}\n{}\n{}\n", numero->str(), in.type,
                    info(*contexte).code, in.date_emission ? in.date_emission->iso() : "",
                    in.date_expiration ? in.date_expiration->iso() : "",
                    in.annee_revenus ? std::to_string(*in.annee_revenus) : "");
    for (std::size_t i = 0; i < in.files.size(); ++i)
      material += base_name(in.files[i]) + "\n" + hashes[i] + "\n";
    key = "pieces-" + crypto::sha256_hex(material).substr(0, 40);
  }
  out.idempotency_key = key;

  // 4. Uploads, streamed from disk, each under a key of its own, then the pli.
  PliInput pli;
  pli.contexte = std::string(info(*contexte).code);
  for (std::size_t i = 0; i < in.files.size(); ++i) {
    auto up = service.upload_file(in.files[i], fmt::format("{}-{}", key, i));
    if (!up) return up.error();
    PliPieceInput piece;
    piece.type = in.type;
    piece.nom_fichier = base_name(in.files[i]);
    piece.upload_id = up->upload_id;
    piece.date_emission = in.date_emission;
    piece.date_expiration = in.date_expiration;
    piece.annee_revenus = in.annee_revenus;
    pli.pieces.push_back(std::move(piece));
  }
  auto sent = service.send_pli(numero->str(), pli, key);
  if (!sent) return sent.error();
  out.pli = std::move(*sent);
  return out;
}

}  // namespace sne
