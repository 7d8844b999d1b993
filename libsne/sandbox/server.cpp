// The sandbox over HTTP: cpp-httplib carries the bytes, the Handler answers.
#include <httplib.h>

#include <thread>

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "sandbox/glpi.hpp"
#include "sandbox/handler.hpp"
#include "sne/sandbox.hpp"

namespace sne {

namespace {

class HttplibServer : public SandboxServer {
 public:
  HttplibServer(std::unique_ptr<sandbox::Handler> handler, const SandboxServerOptions& options)
      : handler_(std::move(handler)), host_(options.host) {
    server_.new_task_queue = [n = options.threads] {
      return new httplib::ThreadPool(static_cast<std::size_t>(std::max(1, n)));
    };
    server_.set_payload_max_length(options.max_body);
    // cpp-httplib's default also sets SO_REUSEPORT, which would let a second server share a
    // busy port silently; SO_REUSEADDR alone allows quick restarts and nothing more.
    server_.set_socket_options([](socket_t sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    // A client that stalls ties a thread up for this long at most; an idle keep-alive
    // connection is closed after 2 s, so that stopping is quick.
    server_.set_read_timeout(10, 0);
    server_.set_write_timeout(30, 0);
    server_.set_keep_alive_max_count(100);
    server_.set_keep_alive_timeout(2);
    // Before cpp-httplib reads a body: it would read a POST without Content-Length until the
    // connection closes (HTTP says its body is empty), and it parses form and multipart bodies
    // itself (with an 8 KB limit). The contract takes JSON and raw pieces only.
    // GLPI's face takes multipart/form-data (Document uploads), which cpp-httplib parses into
    // req.files within the payload limit.
    server_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      const std::string type = req.get_header_value("Content-Type");
      const bool glpi = sandbox::glpi::is_glpi_path(req.path);
      if (!glpi && (type.rfind("application/x-www-form-urlencoded", 0) == 0 ||
                    type.rfind("multipart/", 0) == 0)) {
        contract_error(res, 415,
                       "send JSON (application/json) or a piece (application/octet-stream)");
        return httplib::Server::HandlerResponse::Handled;
      }
      if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding")) {
        answer(req, res);  // req.body is empty, as HTTP says
        return httplib::Server::HandlerResponse::Handled;
      }
      return httplib::Server::HandlerResponse::Unhandled;
    });
    auto serve = [this](const httplib::Request& req, httplib::Response& res) { answer(req, res); };
    // One catch-all per method: routing is the handler's, so both backends route alike.
    for (const char* pattern : {R"(/.*)"}) {
      server_.Get(pattern, serve);
      server_.Post(pattern, serve);
      server_.Put(pattern, serve);
      server_.Patch(pattern, serve);
      server_.Delete(pattern, serve);
      server_.Options(pattern, serve);
    }
    // Bodies over the limit never reach the handler: answer 413 in the contract's shape.
    // Answers cpp-httplib makes itself (a body over the limit, a malformed request, a verb it
    // does not route) get the contract's error object too, or GLPI's [CODE, message] under
    // /apirest.php; the handler's own error answers are left as they are.
    server_.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (sandbox::glpi::is_glpi_path(req.path)) {
        const bool multipart =
            req.get_header_value("Content-Type").rfind("multipart/form-data", 0) == 0;
        const http::Response glpi = sandbox::glpi::server_error(res.status, multipart);
        res.status = glpi.status;
        res.set_content(glpi.body, "application/json; charset=UTF-8");
        return;
      }
      contract_error(res, res.status,
                     res.status == 413 ? "request body too large" : "malformed HTTP request");
    });
  }

  /// An answer of cpp-httplib's own, in the contract's shape.
  static void contract_error(httplib::Response& res, int status, std::string_view message) {
    const std::string id = crypto::random_alnum(16);
    res.status = status;
    res.set_header("X-Request-Id", id);
    res.set_content(fmt::format(R"({{"error":{{"code":"invalid_input","message":"{}",)"
                                R"("request_id":"{}"}}}})",
                                message, id),
                    "application/json");
  }

  Status listen(int port) {
    const int bound = port == 0 ? server_.bind_to_any_port(host_)
                                : (server_.bind_to_port(host_, port) ? port : -1);
    if (bound < 0)
      return Error(ErrorCode::io, fmt::format("cannot listen on {}:{}: address in use or not "
                                              "available",
                                              host_, port));
    port_ = bound;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() only stops a server that runs: wait until it does (it binds before, so clients
    // could already connect; this is about shutting down cleanly).
    while (!server_.is_running() && thread_.joinable())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return Status();
  }

  ~HttplibServer() override {
    server_.stop();
    join();
  }

  int port() const noexcept override { return port_; }
  std::string url() const override {
    return host_.find(':') != std::string::npos ? fmt::format("http://[{}]:{}", host_, port_)
                                                : fmt::format("http://{}:{}", host_, port_);
  }
  void stop() override { server_.stop(); }
  void wait() override { join(); }

 private:
  void join() {
    std::lock_guard lock(join_mutex_);
    if (thread_.joinable()) thread_.join();
  }

  void answer(const httplib::Request& req, httplib::Response& res) {
    http::Request request;
    request.method = req.method;
    request.target = req.target;
    for (const auto& [name, value] : req.headers) request.headers.emplace_back(name, value);
    // cpp-httplib parsed a multipart body into req.files, fields and files alike.
    if (req.is_multipart_form_data())
      for (const auto& [name, part] : req.files)
        request.parts.push_back({part.name, part.filename, part.content_type, part.content, {}});
    else
      request.body = req.body;
    const http::Response response = handler_->handle(request);
    res.status = response.status;
    std::string type = "application/json";
    for (const auto& [name, value] : response.headers) {
      if (name == "Content-Type")
        type = value;
      else
        res.set_header(name, value);
    }
    if (!response.body.empty()) res.set_content(response.body, type);
  }

  std::unique_ptr<sandbox::Handler> handler_;
  std::string host_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex join_mutex_;
};

bool loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

}  // namespace

Result<std::unique_ptr<SandboxServer>> SandboxServer::start(const SandboxServerOptions& options) {
  if (!loopback(options.host))
    return Error(ErrorCode::invalid_input,
                 fmt::format("the sandbox listens on loopback only (127.0.0.1, ::1), not '{}'",
                             options.host),
                 "listen");
  if (options.port < 0 || options.port > 65535)
    return Error(ErrorCode::invalid_input, fmt::format("port {} out of range", options.port),
                 "listen");
  auto handler = sandbox::Handler::open(options.db_path, options.max_body);
  if (!handler) return handler.error();
  auto server = std::make_unique<HttplibServer>(std::move(*handler), options);
  if (auto listening = server->listen(options.port); !listening) return listening.error();
  return std::unique_ptr<SandboxServer>(std::move(server));
}

}  // namespace sne
