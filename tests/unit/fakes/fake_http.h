#pragma once
// An HttpClient in memory: canned answers per URL, every request recorded, failures injected
// (a status, a body cut short, a connection error). Retries follow the same policy decision as
// the real client; the backoff waits are recorded, not slept.
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "osbuild/net/http.h"

namespace osbuild::net::testing {

struct Canned {
  long status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
  int code = code::ok;                     // a transport failure: no answer when status is 0
  std::string error;                       // its words
  std::optional<std::size_t> cut_after;    // the body ends after this many bytes (partial file)
  bool honour_range = true;                // a Range on a 200 answer is served as 206
};

// A policy with no real waits, for tests.
TransferPolicy fast_policy(int retries = 2);

class FakeHttpClient : public HttpClient {
 public:
  explicit FakeHttpClient(TransferPolicy policy = fast_policy()) : m_policy(policy) {}

  // The standing answer for `url` (any method; HEAD gets no body).
  void serve(const std::string& url, std::string body, long status = 200,
             std::vector<std::pair<std::string, std::string>> headers = {});
  // One-time answers, served in order before the standing one.
  void queue(const std::string& url, Canned answer);
  void fail(const std::string& url, int code, std::string error);
  // Forgets the standing answer: the URL answers 404 again.
  void remove(const std::string& url);

  void submit(Request request, Done done) override;
  void run(std::size_t parallel, const std::function<void()>& tick = {}) override;

  struct Sent {
    Method method;
    std::string url;
    std::vector<std::string> headers;
    std::string body;  // what was uploaded, from memory or from the file
    Resume resume;
    int attempt = 1;
    bool has_auth = false;
    std::string user;
    std::string password;
  };
  std::vector<Sent> sent;                           // every attempt, in order
  std::vector<std::chrono::milliseconds> waits;     // backoff delays the real client would sleep
  std::map<std::string, std::string> stored;        // bodies PUT, by URL (also served after)
  std::size_t count(const std::string& url) const;  // attempts at `url`, any method
  std::size_t count(Method method, const std::string& url) const;
  std::size_t most_parallel = 0;                    // the largest `parallel` run() was given

 private:
  struct Item {
    Request request;
    Done done;
    int attempt = 1;
    Resume resume;
  };
  Canned answer_for(const Request& request);
  Response attempt(Item& item);
  void deliver(Item& item, const Canned& answer, Response& r);
  void process(Item item);

  TransferPolicy m_policy;
  std::map<std::string, Canned> m_standing;
  std::map<std::string, std::deque<Canned>> m_queued;
  std::deque<Item> m_pending;
};

}  // namespace osbuild::net::testing
