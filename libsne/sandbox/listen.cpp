// The address a sandbox server listens on, as a user writes it: HOST:PORT on loopback.
#include <fmt/format.h>

#include "sne/sandbox.hpp"
#include "sne/text.hpp"

namespace sne {

Result<SandboxServerOptions> parse_sandbox_listen(std::string_view listen) {
  SandboxServerOptions o;
  const std::string quoted = printable(listen, std::string::npos);
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos)
    return Error(ErrorCode::invalid_input,
                 fmt::format("listen '{}': expected HOST:PORT (127.0.0.1:8470)", quoted), "listen");
  std::string_view host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string_view port = listen.substr(colon + 1);
  int value = -1;
  if (!port.empty() && port.size() <= 5 &&
      port.find_first_not_of("0123456789") == std::string_view::npos)
    value = std::stoi(std::string(port));
  if (value < 0 || value > 65535)
    return Error(ErrorCode::invalid_input,
                 fmt::format("listen '{}': port must be 0 to 65535", quoted), "listen");
  if (host != "127.0.0.1" && host != "::1" && host != "localhost")
    return Error(ErrorCode::invalid_input,
                 fmt::format("the sandbox listens on loopback only (127.0.0.1, ::1), not '{}'",
                             printable(host, std::string::npos)),
                 "listen");
  o.host = std::string(host);
  o.port = value;
  return o;
}

}  // namespace sne
