/// @file
/// Sending pieces to a demande as one pli, exactly once: every file passes the
/// preflight first; the pli carries an idempotency key derived from what is sent (the demande,
/// type, contexte, dates and each file's SHA-256, never the file names), and the service is asked
/// whether that key already made a pli before anything else, so that a repeated or resumed send
/// answers the first pli, marked replayed, instead of a second one or a refusal; a radiated
/// demande or a full category is refused before anything is uploaded; files are streamed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sne/catalog.hpp"
#include "sne/contexte.hpp"
#include "sne/date.hpp"
#include "sne/error.hpp"
#include "sne/export.hpp"
#include "sne/inspect.hpp"
#include "sne/pli.hpp"
#include "sne/service.hpp"

namespace sne {

/// What send_pieces() sends: files of one piece type to one demande, as one pli, and how
/// strictly they are checked first.
struct SendPiecesInput {
  /// The demande the pli goes to (parsed and checked before anything is sent).
  std::string numero_unique;
  std::string type;  ///< catalog type code of every file
  /// Why the pieces are sent; ajout (to an existing demande) by default.
  Contexte contexte = Contexte::ajout;
  std::vector<std::string> files;  ///< 1 to 20 paths; their base names are sent
  /// Issue date of the piece, sent with each file, when its type's validity rule asks for one.
  std::optional<Date> date_emission;
  /// Expiry date printed on the piece (identity documents, titres de séjour).
  std::optional<Date> date_expiration;
  /// Year of the revenues, for an avis d'imposition.
  std::optional<int> annee_revenus;
  /// Empty: derived from the numéro, type, contexte, dates and each file's SHA-256 (not its
  /// name: the same bytes under another name are the same pli).
  std::string idempotency_key;
  /// Checks everything (preflight, replay, demande, radiation, room) and uploads nothing.
  bool dry_run = false;
  /// Files with preflight warnings (hors périmètre, low resolution...) are refused too.
  bool strict = false;
  const Catalog* catalog = nullptr;  ///< nullptr: the built-in one
  InspectOptions preflight;          ///< type and catalog are set from the fields above
  /// When the caller already inspected and hashed the files (one each, in order), their
  /// reports and SHA-256: not made again. The service's SHA-256 of each upload is compared with
  /// them: a file changed in between is refused.
  std::vector<InspectReport> inspected;
  /// The SHA-256 (hex) of each file of `inspected`, in the same order.
  std::vector<std::string> sha256;
};

/// Warning codes of a send, besides the preflight's.
namespace send_warning {
/// A file has the same content as a piece of the same type already filed in the demande.
inline constexpr std::string_view duplicate_content = "duplicate_content";
}  // namespace send_warning

/// What send_pieces() did: the preflight of each file and the pli made (or found again).
struct SendPiecesResult {
  std::vector<InspectReport> preflight;  ///< one per file, in order
  Pli pli;                               ///< empty after a dry run
  /// The key the pli was sent with (given, or derived): record it to ask find_sent_pli() later.
  std::string idempotency_key;
  /// The key had already made this pli (an earlier run, or a retry after the answer was
  /// lost): nothing was uploaded or sent, and `pli` is its current state.
  bool replayed = false;
  bool dry_run = false;     ///< nothing was uploaded or sent: every check passed
  std::uint64_t bytes = 0;  ///< of the files
  /// About the send as a whole (send_warning codes), the preflight's being in `preflight`.
  std::vector<Finding> warnings;
};

/// The idempotency key a send of `input` carries: input.idempotency_key when set, else derived
/// from the demande, type, contexte, dates and `sha256` (each file's, in order).
SNE_EXPORT Result<std::string> send_idempotency_key(const SendPiecesInput& input,
                                                    const std::vector<std::string>& sha256);

/// The pli that a send carrying `idempotency_key` made (by the signed-in agent), if any: asked
/// by a caller that recorded the key before sending and must know whether the send happened.
SNE_EXPORT Result<std::optional<Pli>> find_sent_pli(Service& service,
                                                    const std::string& idempotency_key);

/// Preflights, asks whether the key already made a pli (then answers it, replayed), checks the
/// demande, uploads and sends. Errors: invalid_input naming the first file the preflight
/// rejects (or that has warnings, when strict): nothing is sent; invalid_input whose subject
/// is "type" for a type the catalog lacks; conflict for a full category (subject: the type,
/// for a caller that offers to make room; but the id of the filed piece when the category
/// already holds the content of a file being sent: deleting it would not help) or a radiated
/// demande (subject: the numéro); the service's errors otherwise.
SNE_EXPORT Result<SendPiecesResult> send_pieces(Service& service, const SendPiecesInput& input);

}  // namespace sne
