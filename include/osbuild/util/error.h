#pragma once
// Two tiers of errors: low-level code returns Result<T>; stage code throws osbuild::Error, caught
// once in main and printed as "osbuild: error: <what>" followed by the hint.
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace osbuild {

enum class ExitCode : int {
  success = 0,
  failure = 1,
  usage = 2,
  verification = 3,  // lock mismatch, digest mismatch, signature failure
  interrupted = 130,
};

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& what, std::string hint = {},
                 ExitCode code = ExitCode::failure)
      : std::runtime_error(what), m_hint(std::move(hint)), m_code(code) {}

  // The next step to take, printed on its own line after the error; may be empty.
  const std::string& hint() const noexcept { return m_hint; }
  ExitCode exit_code() const noexcept { return m_code; }

private:
  std::string m_hint;
  ExitCode m_code;
};

// A usage mistake on the command line: exit code 2.
class UsageError : public Error {
public:
  explicit UsageError(const std::string& what, std::string hint = {})
      : Error(what, std::move(hint), ExitCode::usage) {}
};

// What went wrong in a low-level call, without throwing.
struct Failure {
  std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
  Result(T value) : m_v(std::move(value)) {}          // NOLINT: implicit by design
  Result(Failure failure) : m_v(std::move(failure)) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return m_v.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(m_v); }
  const T& value() const& { return std::get<0>(m_v); }
  T&& value() && { return std::get<0>(std::move(m_v)); }
  const std::string& error() const { return std::get<1>(m_v).message; }

  // Moves to the throwing tier, prefixing the failure with what was being done.
  T value_or_throw(const std::string& context = {}) && {
    if (!ok()) {
      throw Error(context.empty() ? error() : context + ": " + error());
    }
    return std::get<0>(std::move(m_v));
  }

private:
  std::variant<T, Failure> m_v;
};

}  // namespace osbuild
