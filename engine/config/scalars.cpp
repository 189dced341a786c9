// Reading scalars strictly: a quoted "0.5" is text, `.inf` is not a finite number, 1.5 is not an
// integer, 3600 is not a duration (which unit?). Every refusal says what was expected.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "engine/config/detail.hpp"
#include "engine/core/duration.hpp"

namespace stampede::config::detail {

static bool plain(const YAML::Node& n) { return n.Tag() == "?"; }

std::string describe_node(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (!plain(n)) return "text \"" + n.Scalar() + "\"";
  return n.Scalar();
}

// The scalar text if `n` is a scalar; else nullopt with why = "expected <what>, got ...".
static std::optional<std::string> scalar(const YAML::Node& n, const char* what, std::string& why) {
  if (!n.IsDefined() || n.IsNull()) {
    why = std::string("has no value (expected ") + what + ")";
    return std::nullopt;
  }
  if (!n.IsScalar()) {
    why = std::string("expected ") + what + ", got " + describe_node(n);
    return std::nullopt;
  }
  return n.Scalar();
}

// strtod over the whole text; nullopt if it is not all a number.
static std::optional<double> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  const char* b = s.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(b, &end);
  if (end != b + s.size()) return std::nullopt;
  if (errno == ERANGE && std::isfinite(v) && v != 0.0) return v;  // subnormal: fine
  if (errno == ERANGE && v != 0.0) return std::numeric_limits<double>::infinity();
  return v;
}

static bool yaml_special(const std::string& s) {
  // YAML 1.2 core schema spellings of infinity and NaN.
  static const char* const names[] = {".inf", "+.inf", "-.inf", ".Inf", "+.Inf", "-.Inf", ".INF",
                                      "+.INF", "-.INF", ".nan", ".NaN", ".NAN"};
  for (const char* x : names)
    if (s == x) return true;
  return false;
}

std::optional<double> read_real(const YAML::Node& n, std::string& why) {
  const auto s = scalar(n, "a number", why);
  if (!s) return std::nullopt;
  if (!plain(n)) {
    why = "expected a number, got text \"" + *s + "\"";
    return std::nullopt;
  }
  if (yaml_special(*s)) {
    why = "must be a finite number, got " + *s;
    return std::nullopt;
  }
  const auto v = parse_number(*s);
  if (!v) {
    why = "expected a number, got " + *s;
    return std::nullopt;
  }
  if (!std::isfinite(*v)) {
    why = "must be a finite number, got " + *s;
    return std::nullopt;
  }
  return *v;
}

std::optional<std::int64_t> read_integer(const YAML::Node& n, std::string& why) {
  const auto s = scalar(n, "an integer", why);
  if (!s) return std::nullopt;
  if (!plain(n)) {
    why = "expected an integer, got text \"" + *s + "\"";
    return std::nullopt;
  }
  std::string_view digits = *s;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  std::int64_t i = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (ptr == digits.data() + digits.size() && !digits.empty()) {
    if (ec == std::errc()) return i;
    if (ec == std::errc::result_out_of_range) {
      why = "integer too large, got " + *s;
      return std::nullopt;
    }
  }
  // Scientific spellings of whole numbers are fine: paths: 1e6.
  const auto v = yaml_special(*s) ? std::optional<double>() : parse_number(*s);
  if (!v) {
    why = yaml_special(*s) ? "must be a finite integer, got " + *s : "expected an integer, got " + *s;
    return std::nullopt;
  }
  if (!std::isfinite(*v) || std::abs(*v) > 9007199254740992.0) {
    why = "integer too large, got " + *s;
    return std::nullopt;
  }
  if (*v != std::trunc(*v)) {
    why = "must be a whole number, got " + *s;
    return std::nullopt;
  }
  return static_cast<std::int64_t>(*v);
}

std::optional<std::uint64_t> read_uint64(const YAML::Node& n, std::string& why) {
  const auto s = scalar(n, "an integer", why);
  if (!s) return std::nullopt;
  if (!plain(n)) {
    why = "expected an integer, got text \"" + *s + "\"";
    return std::nullopt;
  }
  const std::string range = "must be a whole number in [0, 18446744073709551615], got " + *s;
  std::string_view digits = *s;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (!digits.empty() && digits.front() != '-') {
    std::uint64_t u = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), u);
    if (ptr == digits.data() + digits.size()) {
      if (ec == std::errc()) return u;
      why = range;  // out of range
      return std::nullopt;
    }
  }
  // Scientific spellings of whole numbers (1e6), as for other integers.
  why.clear();
  const auto i = read_integer(n, why);
  if (i && *i >= 0) return static_cast<std::uint64_t>(*i);
  if (i || why.rfind("integer too large", 0) == 0 || why.rfind("must be a whole number", 0) == 0) why = range;
  return std::nullopt;
}

std::optional<bool> read_bool(const YAML::Node& n, std::string& why) {
  const auto s = scalar(n, "true or false", why);
  if (!s) return std::nullopt;
  if (plain(n)) {
    if (*s == "true" || *s == "True" || *s == "TRUE") return true;
    if (*s == "false" || *s == "False" || *s == "FALSE") return false;
  }
  why = "expected true or false, got " + describe_node(n);
  return std::nullopt;
}

std::optional<std::int64_t> read_duration(const YAML::Node& n, std::string& why, std::int64_t min_seconds) {
  const auto s = scalar(n, "a duration such as \"1h\"", why);
  if (!s) return std::nullopt;
  if (plain(n) && parse_number(*s)) {
    why = "expected a duration with a unit (s, m, h, d, w) such as \"1h\", got " + *s;
    return std::nullopt;
  }
  if (!s->empty() && s->front() == '-') {
    why = "must be positive, got " + *s;
    return std::nullopt;
  }
  const auto d = parse_duration(*s);
  if (!d) {
    why = "malformed duration \"" + *s +
          "\" (expected a number and a unit s, m, h, d or w, e.g. \"1h\"; whole seconds, at most 100 years)";
    return std::nullopt;
  }
  if (*d < min_seconds) {
    why = (min_seconds == 1 ? "must be positive, got " : "too short, got ") + *s;
    return std::nullopt;
  }
  return *d;
}

}  // namespace stampede::config::detail
