// Internal: the GLPI client over any Transport, for open_glpi() and for tests that script
// GLPI's answers.
#pragma once

#include <memory>
#include <string>

#include "http/message.hpp"
#include "sne/glpi.hpp"

namespace sne::glpi {

/// A client of the GLPI at `url` (for messages), sending targets `prefix` + "/initSession"...
/// through `transport`, with the credentials of `options` (used as given: no sandbox default).
std::unique_ptr<Glpi> make_client(std::string url, std::string prefix,
                                  std::unique_ptr<http::Transport> transport, GlpiOptions options);

}  // namespace sne::glpi
