#include "sandbox/embedded_transport.hpp"

#include "sandbox/handler.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "base/file.hpp"
#include "client/backends.hpp"
#include "http/logging.hpp"
#include "sne/sandbox.hpp"

namespace sne::sandbox {

namespace {

class EmbeddedTransport : public http::Transport {
 public:
  explicit EmbeddedTransport(std::unique_ptr<Handler> handler) : handler_(std::move(handler)) {}
  Result<http::Response> send(const http::Request& request) override {
    if (!request.parts.empty()) return send_parts(request);
    if (request.body_file.empty()) return finish(handler_->serve(request));
    // In process there is no wire to stream to: the handler, like a server, takes the body
    // whole (a piece is at most 10 MiB; larger files are refused on their size first).
    http::Request copy = request;
    copy.body_file.clear();
    struct stat st {};
    if (::stat(request.body_file.c_str(), &st) != 0)
      return Error(ErrorCode::io, request.body_file + ": " + std::strerror(errno),
                   request.body_file);
    if (static_cast<std::uint64_t>(st.st_size) > kDefaultMaxBody) {
      copy.body.assign(kDefaultMaxBody + 1, '\0');  // the handler refuses it by its size
      return finish(handler_->serve(copy));
    }
    auto content = file::read_all(request.body_file, kDefaultMaxBody);
    if (!content) return content.error();
    copy.body = std::move(*content);
    return finish(handler_->serve(copy));
  }

 private:
  /// A multipart body: the handler takes its parts as they are, each file loaded whole. A body
  /// over the handler's limit is refused on its size, as a server refuses it, without reading
  /// more than that limit.
  Result<http::Response> send_parts(const http::Request& request) {
    http::Request copy = request;
    std::uint64_t total = 0;
    for (auto& part : copy.parts) {
      if (part.file.empty()) {
        total += part.data.size();
        continue;
      }
      struct stat st {};
      if (::stat(part.file.c_str(), &st) != 0)
        return Error(ErrorCode::io, part.file + ": " + std::strerror(errno), part.file);
      total += static_cast<std::uint64_t>(st.st_size);
      if (total > kDefaultMaxBody) {
        part.file.clear();
        part.data.assign(kDefaultMaxBody + 1, '\0');  // the handler refuses it by its size
        return finish(handler_->serve(copy));
      }
      auto content = file::read_all(part.file, kDefaultMaxBody);
      if (!content) return content.error();
      part.data = std::move(*content);
      part.file.clear();
    }
    return finish(handler_->serve(copy));
  }

  /// The fault knobs in process: the latency is the caller's sleep, a drop a network error
  /// (after the work was done, when the knobs say so), as a socket would end.
  static Result<http::Response> finish(Served served) {
    if (served.delay.count() > 0) std::this_thread::sleep_for(served.delay);
    if (served.drop)
      return Error(ErrorCode::network,
                   "the embedded sandbox dropped the request without an answer (sne sandbox "
                   "faults --drop-rate)");
    return std::move(served.response);
  }

  std::unique_ptr<Handler> handler_;
};

constexpr std::string_view kPrefix = "sandbox";

using client::bad_endpoint;

/// "sandbox" or "sandbox:PATH" (a relative PATH is taken from the current folder).
Result<EndpointInfo> parse_sandbox(std::string_view endpoint, const Paths& paths) {
  std::string_view rest = endpoint.substr(kPrefix.size());
  EndpointInfo info;
  info.kind = EndpointInfo::Kind::embedded_sandbox;
  if (rest.empty()) {
    info.sandbox_path = paths.data_dir + "/sandbox.db";
  } else {
    if (rest.front() != ':') return bad_endpoint(rest, "expected sandbox or sandbox:PATH");
    rest.remove_prefix(1);
    if (rest.empty()) return bad_endpoint("sandbox:", "the path is empty");
    info.sandbox_path = std::string(rest);
    if (info.sandbox_path.front() != '/') {
      char* cwd = getcwd(nullptr, 0);
      if (cwd != nullptr) {
        info.sandbox_path = std::string(cwd) + "/" + info.sandbox_path;
        free(cwd);
      }
    }
  }
  info.canonical = "sandbox:" + info.sandbox_path;
  return info;
}

/// Opens the database of the endpoint (creating its folder), logged when asked.
Result<std::unique_ptr<http::Transport>> open_embedded(const EndpointInfo& endpoint,
                                                       const client::TransportOptions& options) {
  const std::string& db = endpoint.sandbox_path;
  if (auto dir = file::make_private_dirs(db.substr(0, db.rfind('/'))); !dir) return dir.error();
  auto embedded = make_embedded_transport(db);
  if (!embedded) return embedded.error();
  std::unique_ptr<http::Transport> transport = std::move(*embedded);
  if (options.debug_log)
    transport =
        http::with_debug_log(std::move(transport), endpoint.canonical + " ", options.debug_log);
  return transport;
}

/// Registered when the library is loaded; register_embedded_sandbox() does it again for a
/// program whose linker would not load the library for a static initializer alone.
[[maybe_unused]] const bool kRegistered = (register_embedded_sandbox(), true);

}  // namespace

Result<std::unique_ptr<http::Transport>> make_embedded_transport(const std::string& db_path) {
  auto handler = Handler::open(db_path, kDefaultMaxBody);
  if (!handler) return handler.error();
  return std::unique_ptr<http::Transport>(std::make_unique<EmbeddedTransport>(std::move(*handler)));
}

}  // namespace sne::sandbox

namespace sne {

void register_embedded_sandbox() {
  client::Backend backend;
  backend.prefix = sandbox::kPrefix;
  backend.parse = sandbox::parse_sandbox;
  backend.open = sandbox::open_embedded;
  backend.demo = DemoSignIn{kSandboxAgent,
                            kSandboxPassword,
                            kSandboxGlpiAppToken,
                            kSandboxGlpiUserToken,
                            {kSandboxReferent, kSandboxMulti}};
  client::register_backend(std::move(backend));
}

}  // namespace sne
