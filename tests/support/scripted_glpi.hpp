// The GLPI client (glpi/client.hpp) over a ScriptedTransport, for the unit tests of the client
// and of the ticket rules above it: the same address and tokens in every test, so that a test
// can look for the tokens in the headers sent and check that no message quotes them.
#pragma once

#include <memory>

#include "glpi/client.hpp"
#include "scripted_transport.hpp"
#include "sne/glpi.hpp"

namespace sne::testing {

inline constexpr const char* kGlpiAppToken = "app-secret-1234";
inline constexpr const char* kGlpiUserToken = "user-secret-5678";

/// A client of https://glpi.test/apirest.php that sends every request through `script`,
/// signed in with kGlpiAppToken and kGlpiUserToken. `script` must outlive the client.
inline std::unique_ptr<Glpi> scripted_glpi(Script& script) {
  GlpiOptions o;
  o.app_token = kGlpiAppToken;
  o.user_token = kGlpiUserToken;
  return glpi::make_client("https://glpi.test/apirest.php", "/apirest.php",
                           std::make_unique<ScriptedTransport>(script), o);
}

}  // namespace sne::testing
