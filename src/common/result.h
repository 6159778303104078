// Errors as values: what every library function that can fail on user input returns.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace vgsales {

// What went wrong, coarse enough to pick an exit code or an HTTP status in one place each.
enum class ErrorKind {
  usage,           // a flag or argument is malformed (exit 2, HTTP 400)
  invalid_data,    // user data is wrong: a CSV cell, a JSON body, a schema (exit 1, HTTP 400)
  io,              // a file cannot be read or written (exit 1, HTTP 500)
  not_found,       // a file, model, version or column does not exist (exit 1, HTTP 404)
  already_exists,  // refusing to overwrite (exit 1, HTTP 409)
  interrupted,     // the user pressed Ctrl-C (exit 130)
  drift_detected,  // `vgsales monitor` found drift: a finding, not a failure (exit 3)
  internal,        // a bug or a library failure we did not expect (exit 1, HTTP 500)
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;  // one line, names the file / line / column / field where it applies
};

inline Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace vgsales

// Propagates an error from an expression returning Result<...>.
#define VGSALES_TRY(expr)                                              \
  do {                                                                 \
    auto vgsales_try_result_ = (expr);                                 \
    if (!vgsales_try_result_.ok()) return vgsales_try_result_.error(); \
  } while (0)

#define VGSALES_CONCAT_INNER(a, b) a##b
#define VGSALES_CONCAT(a, b) VGSALES_CONCAT_INNER(a, b)
// Declares `lhs` from the value of a Result-returning expression, or returns its error.
#define VGSALES_ASSIGN_OR_RETURN(lhs, expr) \
  VGSALES_ASSIGN_OR_RETURN_IMPL(VGSALES_CONCAT(vgsales_result_, __LINE__), lhs, expr)
#define VGSALES_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.error();                  \
  lhs = std::move(tmp).value()
