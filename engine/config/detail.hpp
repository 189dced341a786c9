#pragma once
// Internals shared by the loader's files (not part of the config API).
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "engine/config/schema.hpp"
#include "engine/config/value.hpp"
#include "engine/core/errors.hpp"

namespace stampede::config::detail {

// Collects every problem found; the loader throws them together as one InputError.
struct Sink {
  std::vector<Diagnostic> out;
  void error(const Location& at, std::string key, std::string message) {
    out.push_back(Diagnostic{at.file, at.line, at.column, std::move(key), std::move(message)});
  }
};

// Where nodes came from: a file (node marks give line and column) or a --set override (none).
struct Origin {
  std::string file;
  bool marks = true;
  int line = 0, column = 0;  // without marks: where the override was written (0 = a --set)
  Location at(const YAML::Node& n, const Location& fallback) const {
    if (!marks) return Location{file, line, column};
    if (!n.IsDefined() || n.IsNull()) return fallback;  // `key:` with nothing: the mark is the next line
    const YAML::Mark m = n.Mark();
    if (m.line < 0) return fallback;
    return Location{file, m.line + 1, m.column + 1};
  }
};

// "a mapping", "a list", "nothing", "text \"abc\"", "5" — what the user wrote, for messages.
std::string describe_node(const YAML::Node& n);

// Scalar readers: the value, or nullopt with `why` set to a message such as
// "expected a number, got a mapping". Quoted scalars are text, never numbers or booleans.
std::optional<double> read_real(const YAML::Node& n, std::string& why);
std::optional<std::int64_t> read_integer(const YAML::Node& n, std::string& why);
// [0, 2^64 - 1], every spelling read_integer takes; out of range: "must be a whole number in [0, ...]".
std::optional<std::uint64_t> read_uint64(const YAML::Node& n, std::string& why);
std::optional<bool> read_bool(const YAML::Node& n, std::string& why);
// A duration string in whole seconds, at least min_seconds (1: "must be positive").
std::optional<std::int64_t> read_duration(const YAML::Node& n, std::string& why, std::int64_t min_seconds = 1);

bool convert_distribution(const Param& p, const YAML::Node& node, const Origin& origin,
                          const Location& key_loc, Value& out, Sink& sink);

// Converts `node` (given for `p`) into `out`; false (with diagnostics) if invalid.
bool convert(const Param& p, const YAML::Node& node, const Origin& origin, const Location& key_loc,
             Value& out, Sink& sink);

// One field of a record (`key` names it in messages, e.g. "market.shocks[0].size").
bool convert_field(const Field& f, const YAML::Node& n, const Origin& origin, const Location& at,
                   const std::string& key, FieldValue& out, Sink& sink);
// One item of a record list (`base` names it, e.g. "market.shocks[0]"): every field checked.
bool convert_record(const Param& p, const YAML::Node& item, const Origin& origin, const Location& at,
                    const std::string& base, Record& rec, Sink& sink);

// Parses a YAML text holding one scenario; nullopt (with a diagnostic) if it is not one.
std::optional<YAML::Node> parse_document(const std::string& text, const std::string& source, Sink& sink);

// A value as YAML (flow style), e.g. `{dist: lognormal, mu: 0, sigma: 1}`, for `stampede list`.
std::string flow_text(const Param& p, const Value& v);
void emit_value(YAML::Emitter& out, const Param& p, const Value& v);

}  // namespace stampede::config::detail
