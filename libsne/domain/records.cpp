// Names of the enums of the web-service records: the codes of the contract.
#include "sne/account.hpp"
#include "sne/pli.hpp"

namespace sne {

std::string_view to_string(Role role) noexcept {
  return role == Role::referent ? "referent" : "agent";
}

std::string_view to_string(RequestStatus status) noexcept {
  switch (status) {
    case RequestStatus::en_attente: return "en_attente";
    case RequestStatus::validee: return "validee";
    case RequestStatus::rejetee: return "rejetee";
    case RequestStatus::activee: return "activee";
  }
  return "en_attente";
}

std::string_view to_string(PieceOutcome outcome) noexcept {
  switch (outcome) {
    case PieceOutcome::en_attente: return "en_attente";
    case PieceOutcome::acceptee: return "acceptee";
    case PieceOutcome::rejetee: return "rejetee";
  }
  return "en_attente";
}

}  // namespace sne
