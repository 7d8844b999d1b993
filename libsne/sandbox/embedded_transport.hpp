// Internal: the embedded sandbox as a Transport: requests go to the sandbox's handler in
// process, through the same HTTP messages a socket would carry.
#pragma once

#include <memory>
#include <string>

#include "http/message.hpp"

namespace sne::sandbox {

/// Opens (creating and seeding it on first use) the sandbox database at `db_path`.
Result<std::unique_ptr<http::Transport>> make_embedded_transport(const std::string& db_path);

}  // namespace sne::sandbox
