#include "fakes/fake_http.h"

#include <algorithm>

#include "osbuild/util/fs.h"

namespace osbuild::net::testing {

TransferPolicy fast_policy(int retries) {
  TransferPolicy p;
  p.retries = retries;
  p.backoff_base = std::chrono::milliseconds(1);
  p.backoff_max = std::chrono::milliseconds(4);
  return p;
}

void FakeHttpClient::serve(const std::string& url, std::string body, long status,
                           std::vector<std::pair<std::string, std::string>> headers) {
  Canned c;
  c.status = status;
  c.body = std::move(body);
  c.headers = std::move(headers);
  m_standing[url] = std::move(c);
}

void FakeHttpClient::queue(const std::string& url, Canned answer) {
  m_queued[url].push_back(std::move(answer));
}

void FakeHttpClient::fail(const std::string& url, int code, std::string error) {
  Canned c;
  c.status = 0;
  c.code = code;
  c.error = std::move(error);
  queue(url, std::move(c));
}

void FakeHttpClient::remove(const std::string& url) {
  m_standing.erase(url);
  stored.erase(url);
}

std::size_t FakeHttpClient::count(const std::string& url) const {
  return static_cast<std::size_t>(
      std::count_if(sent.begin(), sent.end(), [&](const Sent& s) { return s.url == url; }));
}

std::size_t FakeHttpClient::count(Method method, const std::string& url) const {
  return static_cast<std::size_t>(std::count_if(
      sent.begin(), sent.end(), [&](const Sent& s) { return s.url == url && s.method == method; }));
}

void FakeHttpClient::submit(Request request, Done done) {
  m_pending.push_back(Item{std::move(request), std::move(done), 1, {}});
}

void FakeHttpClient::run(std::size_t parallel, const std::function<void()>& tick) {
  most_parallel = std::max(most_parallel, parallel);
  while (!m_pending.empty()) {
    Item item = std::move(m_pending.front());
    m_pending.pop_front();
    process(std::move(item));
    if (tick) tick();
  }
}

Canned FakeHttpClient::answer_for(const Request& request) {
  if (auto q = m_queued.find(request.url); q != m_queued.end() && !q->second.empty()) {
    Canned c = std::move(q->second.front());
    q->second.pop_front();
    return c;
  }
  if (auto s = m_standing.find(request.url); s != m_standing.end()) return s->second;
  Canned missing;
  missing.status = 404;
  missing.body = "not found";
  return missing;
}

void FakeHttpClient::process(Item item) {
  if (item.request.sink != nullptr) {
    auto resume = item.request.sink->open(1);
    if (!resume) {
      Response r;
      r.code = code::write_error;
      r.error = "cannot open the destination of " + item.request.url;
      r.sink_failed = true;
      item.done(r);
      return;
    }
    item.resume = *resume;
  }
  for (;;) {
    Response r = attempt(item);
    auto delay = retry_delay(m_policy, item.request, r, 1.0);
    if (!delay) {
      item.done(r);
      return;
    }
    if (item.request.on_retry) item.request.on_retry(r, *delay);
    waits.push_back(*delay);
    item.attempt += 1;
    if (item.request.sink != nullptr) {
      auto resume = item.request.sink->open(item.attempt);
      if (!resume) {
        item.done(r);
        return;
      }
      item.resume = *resume;
    }
  }
}

Response FakeHttpClient::attempt(Item& item) {
  const Request& req = item.request;
  Sent s{req.method, req.url, req.headers, req.body, item.resume, item.attempt,
         req.auth.has_value(), req.auth ? req.auth->user : "", req.auth ? req.auth->password : ""};
  if (!req.body_file.empty()) {
    auto text = read_file(req.body_file);
    s.body = text ? text.value() : std::string();
  }
  sent.push_back(s);
  Response r;
  r.attempt = item.attempt;
  Canned answer = answer_for(req);
  if (answer.status == 0) {
    r.code = answer.code;
    r.error = answer.error;
    return r;
  }
  if (req.method == Method::put && answer.status == 404 && m_queued[req.url].empty()) {
    stored[req.url] = s.body;  // a PUT to a free URL stores the body and serves it from then on
    serve(req.url, s.body);
    answer.status = 201;
    answer.body.clear();
  }
  r.sent = s.body.size();
  deliver(item, answer, r);
  return r;
}

void FakeHttpClient::deliver(Item& item, const Canned& answer, Response& r) {
  const Request& req = item.request;
  r.status = answer.status;
  r.headers = answer.headers;
  std::string body = req.method == Method::head ? std::string() : answer.body;
  if (item.resume.offset > 0 && r.status == 200 && answer.honour_range &&
      item.resume.offset <= body.size()) {
    r.status = 206;
    body = body.substr(item.resume.offset);
  }
  if (answer.cut_after && *answer.cut_after < body.size()) {
    body.resize(*answer.cut_after);
    r.code = answer.code != code::ok ? answer.code : code::partial_file;
    r.error = answer.error.empty() ? "transfer closed with outstanding read data remaining"
                                   : answer.error;
  } else if (answer.code != code::ok) {
    r.code = answer.code;
    r.error = answer.error;
  }
  if (body.empty()) return;
  if (req.sink != nullptr && !req.sink->begin(r)) {
    r.sink_failed = true;
    r.code = code::write_error;
    return;
  }
  bool good = r.status >= 200 && r.status < 300;
  const std::size_t chunk = 4096;
  for (std::size_t at = 0; at < body.size(); at += chunk) {
    std::string_view part = std::string_view(body).substr(at, chunk);
    if (good && r.received + part.size() > req.max_body) {
      r.too_large = true;
      r.code = code::write_error;
      return;
    }
    if (req.sink != nullptr) {
      if (!req.sink->write(part)) {
        r.sink_failed = true;
        r.code = code::write_error;
        return;
      }
    } else {
      r.body.append(part);
    }
    r.received += part.size();
    if (req.on_progress) req.on_progress(part.size());
  }
}

}  // namespace osbuild::net::testing
