// The HTTP seam: the retry decision both clients share, the request a policy makes, header
// look-ups, and CurlHttpClient against a small server on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "fakes/fake_http.h"
#include "osbuild/net/http.h"

namespace osbuild::net {
namespace {

using namespace std::chrono_literals;

TEST(NetHttp, RetryDelayOnlyForTransientFailuresWithRetriesLeft) {
  TransferPolicy p;
  p.backoff_base = 100ms;
  Request req;
  req.retries = 2;
  Response r;
  r.status = 503;
  r.attempt = 1;
  EXPECT_EQ(retry_delay(p, req, r, 1.0), 100ms);
  r.attempt = 2;
  EXPECT_EQ(retry_delay(p, req, r, 1.0), 200ms);
  r.attempt = 3;
  EXPECT_FALSE(retry_delay(p, req, r, 1.0)) << "retries spent";
  r.attempt = 1;
  r.status = 404;
  EXPECT_FALSE(retry_delay(p, req, r, 1.0)) << "missing is not transient";
  r.status = 0;
  r.code = code::couldnt_connect;
  EXPECT_EQ(retry_delay(p, req, r, 0.0), 50ms);
  r.sink_failed = true;
  EXPECT_FALSE(retry_delay(p, req, r, 1.0)) << "a local write failure is fatal";
}

TEST(NetHttp, RetryAfterIsHonoured) {
  TransferPolicy p;
  p.backoff_base = 100ms;
  Request req;
  req.retries = 1;
  Response r;
  r.status = 429;
  r.headers = {{"retry-after", "3"}};
  EXPECT_EQ(retry_delay(p, req, r, 1.0), 3000ms);
}

TEST(NetHttp, HeadersAreLookedUpByLowerCaseName) {
  Response r;
  r.headers = {{"www-authenticate", "Bearer a"}, {"etag", "1"}, {"www-authenticate", "Basic b"}};
  EXPECT_EQ(r.header("www-authenticate"), "Basic b");
  EXPECT_EQ(r.header_values("www-authenticate"), (std::vector<std::string>{"Bearer a", "Basic b"}));
  EXPECT_EQ(r.header("absent"), "");
}

TEST(NetHttp, PolicyRequestCarriesTheLimits) {
  TransferPolicy p;
  p.connect_timeout_s = 3;
  p.max_redirects = 2;
  p.retries = 5;
  Request r = policy_request(p, "http://127.0.0.1:1/x");
  EXPECT_EQ(r.url, "http://127.0.0.1:1/x");
  EXPECT_EQ(r.connect_timeout_s, 3);
  EXPECT_EQ(r.max_redirects, 2);
  EXPECT_EQ(r.retries, 5);
  EXPECT_EQ(r.low_speed_time_s, p.low_speed_time_s);
}

TEST(NetHttp, MethodNames) {
  EXPECT_EQ(method_name(Method::del), "DELETE");
  EXPECT_EQ(method_name(Method::head), "HEAD");
}

// A server on 127.0.0.1 that answers each connection with the next scripted response (one
// request per connection) and keeps what it was sent.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::deque<std::string> answers) : m_answers(std::move(answers)) {
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    ::listen(m_fd, 8);
    m_thread = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    ::shutdown(m_fd, SHUT_RDWR);
    ::close(m_fd);
    m_thread.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(m_port) + path;
  }
  std::vector<std::string> requests() {
    std::lock_guard guard(m_mutex);
    return m_requests;
  }

 private:
  void serve() {
    for (;;) {
      int client = ::accept(m_fd, nullptr, nullptr);
      if (client < 0) return;
      std::string request = read_request(client);
      std::string answer;
      {
        std::lock_guard guard(m_mutex);
        m_requests.push_back(request);
        if (!m_answers.empty()) {
          answer = m_answers.front();
          m_answers.pop_front();
        }
      }
      if (answer.empty()) answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
      (void)!::write(client, answer.data(), answer.size());
      ::close(client);
    }
  }
  static std::string read_request(int fd) {
    std::string data;
    char buffer[4096];
    std::size_t want = std::string::npos;
    while (want == std::string::npos || data.size() < want) {
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      data.append(buffer, static_cast<std::size_t>(n));
      auto end = data.find("\r\n\r\n");
      if (end != std::string::npos && want == std::string::npos) {
        auto cl = data.find("Content-Length: ");
        std::size_t length = cl != std::string::npos && cl < end
                                 ? std::stoul(data.substr(cl + 16))
                                 : 0;
        want = end + 4 + length;
      }
    }
    return data;
  }

  int m_fd = -1;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::deque<std::string> m_answers;
  std::vector<std::string> m_requests;
};

std::string ok(const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n" + extra + "\r\n" + body;
}

TEST(CurlHttpClient, GetsABodyIntoMemoryWithHeaders) {
  ScriptedServer server({ok("hello", "ETag: \"v1\"\r\n")});
  CurlHttpClient client(testing::fast_policy());
  Response r = client.perform(policy_request(testing::fast_policy(), server.url("/a")));
  EXPECT_EQ(r.code, code::ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.header("etag"), "\"v1\"");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_NE(server.requests()[0].find("User-Agent: " + user_agent()), std::string::npos);
}

TEST(CurlHttpClient, RetriesATransientStatus) {
  ScriptedServer server(
      {"HTTP/1.1 503 Busy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", ok("second")});
  CurlHttpClient client(testing::fast_policy());
  int retried = 0;
  Request req = policy_request(testing::fast_policy(), server.url("/b"));
  req.on_retry = [&](const Response& failed, std::chrono::milliseconds) {
    EXPECT_EQ(failed.status, 503);
    ++retried;
  };
  Response r = client.perform(std::move(req));
  EXPECT_EQ(r.body, "second");
  EXPECT_EQ(r.attempt, 2);
  EXPECT_EQ(retried, 1);
}

TEST(CurlHttpClient, ABodyOverTheLimitStopsTheTransfer) {
  ScriptedServer server({ok(std::string(1000, 'x'))});
  CurlHttpClient client;
  Request req;
  req.url = server.url("/c");
  req.max_body = 10;
  Response r = client.perform(std::move(req));
  EXPECT_TRUE(r.too_large);
  EXPECT_NE(r.code, code::ok);
}

TEST(CurlHttpClient, PutSendsTheBodyAndRangeIsAsked) {
  ScriptedServer server({"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"});
  CurlHttpClient client;
  Request put;
  put.method = Method::put;
  put.url = server.url("/d");
  put.body = "payload";
  put.headers = {"Expect:"};
  Response r = client.perform(std::move(put));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.sent, 7u);
  auto sent = server.requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].rfind("PUT /d HTTP/1.1", 0), 0u) << sent[0];
  EXPECT_NE(sent[0].find("\r\n\r\npayload"), std::string::npos) << sent[0];
}

TEST(CurlHttpClient, AConnectionRefusedNamesIt) {
  std::string url;
  {
    ScriptedServer gone({});
    url = gone.url("/e");
  }
  CurlHttpClient client;
  Request req;
  req.url = url;
  Response r = client.perform(std::move(req));
  EXPECT_EQ(r.code, code::couldnt_connect);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(r.outcome(), Outcome::transient);
}

}  // namespace
}  // namespace osbuild::net
