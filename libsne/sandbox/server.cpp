// The sandbox over HTTP: Boost.Beast reads and writes HTTP/1.1 on one event loop, the Handler
// answers on a pool of worker threads. A connection costs a socket and a small buffer, not a
// thread, so clients that send slowly cannot occupy the workers: each request must bring its
// head, then its body, within deadlines, or its connection is closed.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "crypto/crypto.hpp"
#include "http/message.hpp"
#include "sandbox/glpi.hpp"
#include "sandbox/handler.hpp"
#include "sne/sandbox.hpp"

namespace sne {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Parser = bhttp::request_parser<bhttp::string_body>;

/// The request line and headers must arrive within this time of the connection's opening or
/// of the previous answer (which also bounds an idle keep-alive connection).
constexpr auto kHeadTime = std::chrono::seconds(10);
/// A body has this long, plus a second for each kBodyMinRate bytes it declares: a client
/// slower than 64 KiB/s on loopback is stalling, not uploading.
constexpr auto kBodyTime = std::chrono::seconds(10);
constexpr std::uint64_t kBodyMinRate = std::uint64_t{64} << 10;
/// A client that does not read its answer is cut off after this long.
constexpr auto kWriteTime = std::chrono::seconds(30);
/// After an answer given before the body was read, what the client still sends is read and
/// dropped for this long at most.
constexpr auto kDrainTime = std::chrono::seconds(5);
constexpr std::uint32_t kHeadLimit = std::uint32_t{16} << 10;
/// Connections beyond this are closed at once; far below the usual 1024 descriptors.
constexpr std::size_t kMaxConnections = 512;
/// Bodies being received at once may declare this many bytes in all (a body is held in memory
/// until it is answered): past it, a request is answered 503 with Retry-After. At least one
/// body of the largest size always fits.
constexpr std::uint64_t kBodyBudget = 256u << 20;
/// What the client still sends after an early answer is read and dropped up to this much.
constexpr std::uint64_t kDrainBytes = 64u << 20;
/// Requests on one connection before it is closed, so that clients spread over time.
constexpr int kMaxRequestsPerConnection = 100;

/// An answer made here, before the handler: the contract's error object, or GLPI's
/// [CODE, message] under /apirest.php.
http::Response early_answer(std::string_view target, int status, std::string_view message,
                            bool multipart) {
  if (sandbox::glpi::is_glpi_path(target.substr(0, target.find('?'))))
    return sandbox::glpi::server_error(status, multipart);
  const std::string id = crypto::random_alnum(16);
  http::Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}, {"X-Request-Id", id}};
  r.body = fmt::format(R"({{"error":{{"code":"invalid_input","message":"{}","request_id":"{}"}}}})",
                       message, id);
  return r;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && http::iequals(text.substr(0, prefix.size()), prefix);
}

class BeastServer;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, BeastServer& server);
  ~Session();
  void start() { read_head(); }
  /// Called on the event loop when the server stops: a connection waiting for a request is
  /// closed; one whose request is being answered closes after the answer.
  void on_stop() {
    if (idle()) close();
    delay_.cancel();  // an answer held back by the latency knob goes at once
  }
  /// Waiting for a request of which nothing came yet, answering none.
  bool idle() const { return !busy_ && !(parser_ && parser_->got_some()); }
  void close_if_idle() {
    if (idle()) close();
  }

 private:
  void read_head();
  void on_head(beast::error_code ec);
  void read_body();
  void on_body(beast::error_code ec);
  void answer();
  /// Answers, or closes the connection without answering, after the delay the fault knobs
  /// ask for (a timer on the event loop: no thread waits).
  void deliver(sandbox::Served served, bool keep_alive);
  void write(http::Response response, bool keep_alive);
  void fail(beast::error_code ec);
  /// Reads and drops what the client still sends, within kDrainTime, then closes.
  void drain();
  void close() {
    beast::error_code ignored;
    ++generation_;
    deadline_.cancel();
    delay_.cancel();
    release_body();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }
  /// The operation under way must end within `time`: past it, the socket's operations are
  /// cancelled and the session knows why (an answer can still be written, unlike with
  /// beast::tcp_stream, which closes the socket on its timeouts).
  void arm(std::chrono::steady_clock::duration time) {
    ++generation_;
    timed_out_ = false;
    deadline_.expires_after(time);
    watch(generation_);
  }
  /// No deadline while the handler works on the request.
  void disarm() {
    ++generation_;
    timed_out_ = false;
    deadline_.cancel();
  }
  /// cancel() only stops an operation waiting for the socket: one of Beast's reads that found
  /// data at once runs on and starts another. So once late, cancel again every 20 ms until the
  /// operation ends and a new phase re-arms (a new generation; a callback of an older one,
  /// already queued when the timer was re-armed, does nothing).
  void watch(std::uint64_t generation) {
    deadline_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
      if (ec || generation != self->generation_) return;  // re-armed, disarmed or closed
      self->timed_out_ = true;
      beast::error_code ignored;
      self->socket_.cancel(ignored);
      self->deadline_.expires_after(std::chrono::milliseconds(20));
      self->watch(generation);
    });
  }
  /// The declared body's bytes are counted against the server's budget until the request is
  /// answered.
  void release_body();

  tcp::socket socket_;
  asio::steady_timer deadline_;
  asio::steady_timer delay_;  ///< the latency knob's wait before an answer
  bool timed_out_ = false;
  std::uint64_t generation_ = 0;
  std::uint64_t reserved_ = 0;  ///< bytes of the server's body budget this request holds
  BeastServer& server_;
  beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::string peer_;
  int served_ = 0;
  std::size_t drained_ = 0;
  bool busy_ = false;  ///< the handler or a write has the connection
};

class BeastServer final : public SandboxServer {
 public:
  BeastServer(std::unique_ptr<sandbox::Handler> handler, const SandboxServerOptions& options)
      : handler_(std::move(handler)),
        host_(options.host),
        max_body_(options.max_body),
        acceptor_(io_),
        retry_(io_),
        workers_(static_cast<std::size_t>(std::max(1, options.threads))) {}

  Status listen(int port) {
    beast::error_code ec;
    const auto address = asio::ip::make_address(host_ == "localhost" ? "127.0.0.1" : host_, ec);
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    if (!ec) acceptor_.open(endpoint.protocol(), ec);
    // SO_REUSEADDR allows quick restarts; no SO_REUSEPORT, which would let a second server
    // share a busy port silently.
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      return Error(ErrorCode::io,
                   fmt::format("cannot listen on {}:{}: {}", host_, port,
                               ec == asio::error::address_in_use ? "address in use"
                                                                 : "address not available"));
    port_ = acceptor_.local_endpoint().port();
    accept();
    thread_ = std::thread([this] {
      // An exception out of a handler on the event loop (an allocation that fails) must not
      // end the process: the loop goes on with the other connections.
      for (;;) {
        try {
          io_.run();
          return;
        } catch (const std::exception&) {
        }
      }
    });
    return Status();
  }

  ~BeastServer() override {
    begin_stop();
    join();
  }

  int port() const noexcept override { return port_; }
  std::string url() const override {
    return host_.find(':') != std::string::npos ? fmt::format("http://[{}]:{}", host_, port_)
                                                : fmt::format("http://{}:{}", host_, port_);
  }

  void stop() override { begin_stop(); }
  void wait() override { join(); }

  // For the sessions.
  std::size_t max_body() const noexcept { return max_body_; }
  bool reserve(std::uint64_t bytes) {
    const std::uint64_t budget = std::max<std::uint64_t>(kBodyBudget, max_body_);
    std::uint64_t used = bodies_.load();
    do {
      if (used + bytes > budget) return false;
    } while (!bodies_.compare_exchange_weak(used, used + bytes));
    return true;
  }
  void release(std::uint64_t bytes) { bodies_ -= bytes; }
  bool stopping() const noexcept { return stopping_; }
  void enlist(Session* s) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.insert(s);
  }
  void delist(Session* s) {
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(s);
  }
  /// Runs the handler on a worker, then `done` with its answer (and what the fault knobs make
  /// of it) on the event loop. The work
  /// guard keeps the event loop running while the handler works.
  template <typename Done>
  void handle(http::Request request, bool multipart, Done done) {
    asio::post(workers_, [this, request = std::move(request), multipart, done = std::move(done),
                          guard = asio::make_work_guard(io_)]() mutable {
      sandbox::Served served;
      http::Response& response = served.response;
      try {
        auto parts = multipart ? http::parse_multipart(
                                     http::header(request.headers, "Content-Type").value_or(""),
                                     request.body)
                               : Result<std::vector<http::FormPart>>(std::vector<http::FormPart>{});
        if (!parts) {
          response = early_answer(request.target, 400, parts.error().message(), true);
        } else {
          if (multipart) {
            request.parts = std::move(*parts);
            request.body.clear();
          }
          served = handler_->serve(request);
        }
      } catch (const std::exception& e) {  // the handler answers its own failures; in case
        response = early_answer(request.target, 500, "sandbox failure", false);
      }
      asio::post(io_, [done = std::move(done), served = std::move(served)]() mutable {
        done(std::move(served));
      });
    });
  }

 private:
  void begin_stop() {
    asio::post(io_, [this] {
      if (stopping_) return;
      stopping_ = true;
      beast::error_code ignored;
      acceptor_.close(ignored);
      retry_.cancel();
      std::lock_guard lock(sessions_mutex_);
      for (Session* s : sessions_) s->on_stop();
    });
  }

  void join() {
    std::lock_guard lock(join_mutex_);
    if (thread_.joinable()) thread_.join();  // returns when no connection is left
    workers_.join();
  }

  void accept() {
    acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
      if (stopping_) return;
      if (ec) {
        // Out of descriptors (EMFILE) or a connection reset before it was accepted: try again
        // shortly rather than spin.
        retry_.expires_after(std::chrono::milliseconds(50));
        retry_.async_wait([this](beast::error_code e) {
          if (!e && !stopping_) accept();
        });
        return;
      }
      bool full = false;
      {
        // Full: an idle connection (a keep-alive waiting, nothing of a request come) makes
        // room for the new one; if none is idle, the new one is refused.
        std::lock_guard lock(sessions_mutex_);
        if (sessions_.size() >= kMaxConnections) {
          full = true;
          for (Session* s : sessions_)
            if (s->idle()) {
              s->close_if_idle();
              full = false;
              break;
            }
        }
      }
      if (full) {
        beast::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<Session>(std::move(socket), *this)->start();
      }
      accept();
    });
  }

  // Declared first, destroyed last: a Session leaving at any time delists itself.
  std::mutex sessions_mutex_;
  std::set<Session*> sessions_;
  std::unique_ptr<sandbox::Handler> handler_;
  std::string host_;
  std::size_t max_body_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  asio::thread_pool workers_;
  int port_ = 0;
  std::atomic<std::uint64_t> bodies_{0};  ///< body bytes declared by requests being received
  bool stopping_ = false;                 // read and written on the event loop only
  std::thread thread_;
  std::mutex join_mutex_;
};

Session::Session(tcp::socket socket, BeastServer& server)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      delay_(socket_.get_executor()),
      server_(server) {
  beast::error_code ec;
  const auto remote = socket_.remote_endpoint(ec);
  if (!ec) peer_ = remote.address().to_string();
  server_.enlist(this);
}

Session::~Session() {
  release_body();
  server_.delist(this);
}

void Session::read_head() {
  if (server_.stopping()) return close();
  parser_.emplace();
  parser_->header_limit(kHeadLimit);
  parser_->body_limit(server_.max_body());
  arm(kHeadTime);
  bhttp::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_head(ec); });
}

void Session::on_head(beast::error_code ec) {
  if (ec) return fail(ec);
  const auto& req = parser_->get();
  const std::string_view target(req.target().data(), req.target().size());
  // A Transfer-Encoding whose last coding is not chunked leaves the body's length unknown
  // (RFC 9112 §6.3): refused, as are Content-Length beside Transfer-Encoding and two
  // different Content-Lengths, which the parser refuses (request smuggling).
  if (req.find(bhttp::field::transfer_encoding) != req.end() && !parser_->chunked())
    return write(
        early_answer(target, 400, "malformed HTTP request: unknown Transfer-Encoding", false),
        false);
  if (parser_->is_done()) return answer();
  const std::uint64_t declared =
      parser_->content_length() ? *parser_->content_length() : server_.max_body();
  if (!server_.reserve(declared)) {
    http::Response busy = early_answer(
        target, 503, "the server is receiving too many request bodies; try again shortly", false);
    busy.headers.emplace_back("Retry-After", "1");
    return write(std::move(busy), false);
  }
  reserved_ = declared;
  const auto expect = req[bhttp::field::expect];
  if (http::iequals(std::string_view(expect.data(), expect.size()), "100-continue")) {
    // libcurl waits for this before sending a body over 1 MB.
    auto go_on = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                      req.version());
    arm(kWriteTime);
    bhttp::async_write(socket_, *go_on,
                       [self = shared_from_this(), go_on](beast::error_code e, std::size_t) {
                         if (e) return self->fail(e);
                         self->read_body();
                       });
    return;
  }
  read_body();
}

void Session::read_body() {
  const std::uint64_t declared =
      parser_->content_length() ? *parser_->content_length() : server_.max_body();
  arm(kBodyTime + std::chrono::seconds(declared / kBodyMinRate));
  bhttp::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
}

void Session::on_body(beast::error_code ec) {
  if (ec) return fail(ec);
  answer();
}

void Session::answer() {
  auto& req = parser_->get();
  http::Request request;
  request.method = std::string(req.method_string());
  if (req.method() == bhttp::verb::head) request.method = "GET";
  request.target = std::string(req.target());
  request.peer = peer_;
  for (const auto& field : req)
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  const auto type = http::header(request.headers, "Content-Type").value_or("");
  const bool glpi = sandbox::glpi::is_glpi_path(
      std::string_view(request.target).substr(0, request.target.find('?')));
  // GLPI's face takes Document uploads as multipart/form-data, parsed on the worker (it
  // scans the whole body) as PHP would.
  const bool multipart = glpi && starts_with_ci(type, "multipart/form-data");
  request.body = std::move(req.body());
  const bool keep_alive = req.keep_alive() && ++served_ < kMaxRequestsPerConnection;
  busy_ = true;
  disarm();
  server_.handle(std::move(request), multipart,
                 [self = shared_from_this(), keep_alive](sandbox::Served served) {
                   self->deliver(std::move(served), keep_alive);
                 });
}

void Session::deliver(sandbox::Served served, bool keep_alive) {
  if (served.delay.count() > 0 && !server_.stopping()) {
    const auto delay = served.delay;
    served.delay = std::chrono::milliseconds(0);
    delay_.expires_after(delay);
    // Cancelled (the server stops): answered at once.
    delay_.async_wait(
        [self = shared_from_this(), served = std::move(served),
         keep_alive](beast::error_code) mutable { self->deliver(std::move(served), keep_alive); });
    return;
  }
  // A connection closed with nothing written: the client sees it end without an answer.
  if (served.drop) return close();
  write(std::move(served.response), keep_alive);
}

void Session::write(http::Response response, bool keep_alive) {
  busy_ = true;
  release_body();
  const bool head_done = parser_ && parser_->is_header_done();
  const unsigned version = head_done ? parser_->get().version() : 11;
  // HEAD is answered as GET without the body, early answers too.
  const bool head = head_done && parser_->get().method() == bhttp::verb::head;
  auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), version);
  std::string type = "application/json";
  for (auto& [name, value] : response.headers) {
    if (http::iequals(name, "Content-Type"))
      type = value;
    else
      res->insert(name, value);
  }
  if (!response.body.empty()) res->set(bhttp::field::content_type, type);
  res->keep_alive(keep_alive && !server_.stopping());
  // Statuses that take no body (1xx, 204, 304) get none: prepare_payload() throws otherwise.
  if (response.status < 200 || response.status == 204 || response.status == 304)
    response.body.clear();
  const std::size_t length = response.body.size();
  res->body() = std::move(response.body);
  res->prepare_payload();
  if (head) {  // the headers of the GET, no body
    res->body().clear();
    res->content_length(length);
  }
  arm(kWriteTime);
  // An answer given before the body was read (413, 400...): the client may still be sending
  // it, and closing now would reset the connection before it reads the answer.
  // Not while stopping: the server would wait for it.
  const bool drain = parser_ && !parser_->is_done() && !server_.stopping();
  bhttp::async_write(socket_, *res,
                     [self = shared_from_this(), res, drain](beast::error_code ec, std::size_t) {
                       self->busy_ = false;
                       if (ec) return self->close();
                       if (drain) {
                         beast::error_code ignored;
                         self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                         self->arm(kDrainTime);
                         return self->drain();
                       }
                       if (!res->keep_alive()) return self->close();
                       self->read_head();
                     });
}

void Session::release_body() {
  server_.release(reserved_);
  reserved_ = 0;
}

void Session::drain() {
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(std::size_t{64} << 10),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kDrainBytes) return self->close();
                            self->drain();
                          });
}

void Session::fail(beast::error_code ec) {
  const bool late = ec == asio::error::operation_aborted && timed_out_;
  // The peer left, the server stopped, or a deadline passed before anything came: nothing
  // to answer.
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || (ec == asio::error::operation_aborted && !late) ||
      (late && !(parser_ && parser_->got_some())))
    return close();
  // The fields parsed so far: a body over the limit is refused as soon as its length is read.
  const std::string target = parser_ ? std::string(parser_->get().target()) : std::string();
  const auto type =
      parser_ ? std::string(parser_->get()[bhttp::field::content_type]) : std::string();
  const bool multipart = starts_with_ci(type, "multipart/form-data");
  http::Response r;
  if (late)
    r = early_answer(target, 408, "request not received in time", false);
  else if (ec == bhttp::error::body_limit)
    r = early_answer(target, 413, "request body too large", multipart);
  else if (ec == bhttp::error::header_limit)
    r = early_answer(target, 431, "request headers too large", false);
  else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category())
    r = early_answer(target, 400, fmt::format("malformed HTTP request: {}", ec.message()), false);
  else
    return close();  // a socket error: no one to answer
  // The rest of the request is not read: the connection closes after this answer.
  write(std::move(r), false);
}

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
  auto server = std::make_unique<BeastServer>(std::move(*handler), options);
  if (auto listening = server->listen(options.port); !listening) return listening.error();
  return std::unique_ptr<SandboxServer>(std::move(server));
}

}  // namespace sne
