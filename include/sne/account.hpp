/// @file
/// Agents, their guichets and account requests, as the web service knows them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sne/export.hpp"
#include "sne/timestamp.hpp"

namespace sne {

/// A guichet enregistreur an agent works for.
struct Guichet {
  std::string code;        ///< 5 characters: "G3401"
  std::string nom;         ///< "Mairie de Montpellier"
  std::string siret;       ///< 14 digits
  std::string territoire;  ///< code territoire: "034"
};

/// What an agent may do on the PWP, as the service reports it (Me::role).
enum class Role {
  agent,     ///< registers demandes and sends pieces for their guichets
  referent,  ///< also validates the account requests of their guichets
};
/// The snake_case name of a role ("agent", "referent"), as the JSON output writes it.
SNE_EXPORT std::string_view to_string(Role role) noexcept;

/// The signed-in agent (GET /v1/me).
struct Me {
  std::string email;  ///< the identifier of the account
  /// Family name.
  std::string nom;
  /// Given name.
  std::string prenom;
  /// Phone number, as the agent typed it.
  std::string telephone;
  /// agent or référent.
  Role role = Role::agent;
  std::string guichet;            ///< code of the current guichet: what the agent sees
  std::vector<Guichet> guichets;  ///< every guichet of the agent, the current one included
  bool daily_mail = true;         ///< the daily notification e-mail
};

/// Changes to the profile; fields left empty are not changed. The e-mail never changes.
struct ProfileChange {
  /// New family name.
  std::optional<std::string> nom;
  /// New given name.
  std::optional<std::string> prenom;
  /// New phone number.
  std::optional<std::string> telephone;
  /// Switches the daily notification e-mail on or off.
  std::optional<bool> daily_mail;
};

/// What "JE CRÉE MON ESPACE" asks for. Every field is required; guichets holds 1 to 10 codes.
struct AccountRequestInput {
  /// Family name of the newcomer.
  std::string nom;
  /// Given name.
  std::string prenom;
  /// Nominative e-mail address: the identifier of the future account (one account each).
  std::string email;
  /// Phone number.
  std::string telephone;
  std::string type_organisme;  ///< "commune", "bailleur", "action_logement"... free text
  std::string organisme;       ///< name of the organisation
  /// Codes of the guichets asked for (1 to 10), whose référents decide on the request.
  std::vector<std::string> guichets;
};

/// Where an account request stands, from its creation to the account's activation.
enum class RequestStatus {
  en_attente,  ///< waiting for a référent of one of its guichets
  validee,     ///< validated: an activation link was sent
  rejetee,     ///< rejected, with a reason
  activee,     ///< the account was activated with the link
};
/// The snake_case name of a status ("en_attente", "validee"...), as the JSON output writes it.
SNE_EXPORT std::string_view to_string(RequestStatus status) noexcept;

/// An account request and its outcome (GET /v1/account-requests/{id}).
struct AccountRequest {
  std::string id;  ///< opaque, unguessable: whoever holds it can follow the request
  /// Where the request stands.
  RequestStatus statut = RequestStatus::en_attente;
  AccountRequestInput input;               ///< what was asked
  std::string motif;                       ///< reason of a rejection
  Timestamp date_creation;                 ///< when it was asked (created_at on the wire)
  std::optional<Timestamp> date_decision;  ///< when a référent decided (decided_at on the wire)
};

/// A bearer token and when it stops working.
struct Session {
  std::string token;  ///< secret: never print or log it
  /// The account the token signs in.
  std::string email;
  /// When the token stops working; the service answers unauthenticated after it.
  Timestamp expires_at;
};

}  // namespace sne
