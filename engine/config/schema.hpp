#pragma once
// The scenario schema: every key a scenario may hold, its kind, default, allowed range, unit and
// doc. One schema drives validation (load.hpp), defaults, the resolved YAML written into result
// files (Values::to_yaml) and `stampede list` (registry.hpp describe). engine.md "Configuration".
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/bounds.hpp"
#include "engine/config/value.hpp"
#include "engine/core/distribution.hpp"
#include "engine/core/errors.hpp"

namespace stampede::config {

enum class Kind { real, integer, boolean, text, choice, duration, distribution, table, records };
const char* to_string(Kind k);

// One field of a record list (`market.shocks`: at, rate, kind, size, duration, target).
struct Field {
  std::string name;
  Kind kind = Kind::real;  // real, integer, boolean, text, choice or duration
  Bounds bounds;
  std::vector<std::string> choices;
  bool required = false;
  FieldValue def;           // monostate = optional, absent unless given
  std::string default_key;  // when absent, take this (same-kind) key's value, e.g. "step"
  std::string doc;

  static Field make(std::string name, Kind kind, Bounds b = {}) {
    Field f;
    f.name = std::move(name);
    f.kind = kind;
    f.bounds = b;
    return f;
  }
  static Field real(std::string name, Bounds b = {}) { return make(std::move(name), Kind::real, b); }
  static Field integer(std::string name, Bounds b = {}) { return make(std::move(name), Kind::integer, b); }
  static Field duration(std::string name) { return make(std::move(name), Kind::duration); }
  static Field text(std::string name) { return make(std::move(name), Kind::text); }
  static Field choice(std::string name, std::vector<std::string> cs) {
    Field f = make(std::move(name), Kind::choice);
    f.choices = std::move(cs);
    return f;
  }
  Field& must() { required = true; return *this; }
  Field& defaults_to(std::string key) { default_key = std::move(key); return *this; }
  Field& describe(std::string d) { doc = std::move(d); return *this; }
};

// A list of fixed-width numeric rows (`kai.tiered.tiers`: [[supply, cap], ...]).
struct TableSpec {
  std::vector<std::string> columns;   // names, for messages and `stampede list`
  std::vector<Bounds> bounds;         // per column (missing = any)
  bool ascending_first = false;       // column 0 strictly increasing
  std::size_t min_rows = 1;
};

// What draws of a distribution parameter may be, and whether its values are times.
struct DistSpec {
  Bounds support;        // every draw (after truncation) must lie in here
  bool time = false;     // location/scale parameters are duration strings ("60d"), held in seconds
  bool integer = false;  // only constant and uniform_int make sense (e.g. months)
};

class Param {
 public:
  Param(std::string path, Kind kind, Value def) : path_(std::move(path)), kind_(kind), def_(std::move(def)) {}

  Param& unit(std::string u) { unit_ = std::move(u); return *this; }
  Param& doc(std::string d) { doc_ = std::move(d); return *this; }
  Param& required() { required_ = true; return *this; }
  // Change the default (a protocol overriding a common key, e.g. KAI's mean_per_circ); the value
  // must be of this parameter's kind (durations: a duration string, "" = unset).
  Param& set_default(double v);
  Param& set_default(std::int64_t v);
  Param& set_default(bool v);
  Param& set_default(std::string v);
  Param& set_default(const char* v) { return set_default(std::string(v)); }  // not bool
  Param& set_default(int v);  // a real or an integer key, whichever this is
  Param& set_default(Distribution v);
  Param& set_default(Table v);
  Param& set_bounds(Bounds b) { bounds_ = b; return *this; }
  Param& set_choices(std::vector<std::string> cs) { choices_ = std::move(cs); return *this; }
  Field& field(std::string_view name);  // records: a field spec, to restrict or re-document
  // An integer key over the whole range [0, 2^64 - 1] (`seed`): held in the int64 value as its
  // bit pattern (so a static_cast<std::uint64_t> of Values::integer gives it back); read it with
  // Values::uint64. Bounds do not apply.
  Param& full_uint64() { uint64_ = true; return *this; }
  // A real or duration key that may be `null` (YAML null or `~`, or `--set key=null`): unset,
  // read with Values::optional_real / Values::is_set. For reals the default becomes null.
  Param& nullable();
  bool is_nullable() const { return nullable_; }

  const std::string& path() const { return path_; }
  Kind kind() const { return kind_; }
  const Value& default_value() const { return def_; }
  const std::string& unit_name() const { return unit_; }
  const std::string& doc_text() const { return doc_; }
  bool is_required() const { return required_; }
  const Bounds& bounds() const { return bounds_; }
  const std::vector<std::string>& choices() const { return choices_; }
  const std::string& multiple_of() const { return multiple_of_; }
  const DistSpec& dist() const { return dist_; }
  const TableSpec& table() const { return table_; }
  const std::vector<Field>& fields() const { return fields_; }
  const Field* find_field(std::string_view name) const;  // records: nullptr if no such field
  bool is_uint64() const { return uint64_; }
  // "(0, 2]", "one of: a, b", "multiple of step", ... for messages and `stampede list`.
  std::string allowed() const;

 private:
  friend class Schema;
  std::string path_;
  Kind kind_;
  Value def_;
  std::string unit_, doc_;
  bool required_ = false;
  bool uint64_ = false;
  bool nullable_ = false;
  Bounds bounds_;
  std::vector<std::string> choices_;
  std::string multiple_of_;
  DistSpec dist_;
  TableSpec table_;
  std::vector<Field> fields_;
};

class Values;

// Collects the errors of cross-key checks. A check that reads a key whose own value was invalid
// is skipped silently (that key already has its error).
class Reporter {
 public:
  explicit Reporter(const Values& v) : values_(v) {}
  // Located at `key` (where it was written if given, else its enclosing mapping or file:1).
  void error(std::string_view key, std::string message);
  void error_at(const Location& where, std::string key, std::string message);
  const std::vector<Diagnostic>& diagnostics() const { return out_; }

 private:
  const Values& values_;
  std::vector<Diagnostic> out_;
};

using Check = std::function<void(const Values&, Reporter&)>;

class Schema {
 public:
  Param& real(std::string path, double def, Bounds b = {});
  Param& integer(std::string path, std::int64_t def, Bounds b = {});
  Param& boolean(std::string path, bool def);
  Param& text(std::string path, std::string def);
  Param& choice(std::string path, std::string def, std::vector<std::string> choices);
  // A positive duration ("1h"); def "" = unset unless given. If multiple_of names another
  // duration key, the value must be a whole multiple of that key's value (engine.md "Time").
  Param& duration(std::string path, std::string def, std::string multiple_of = "");
  Param& distribution(std::string path, Distribution def, DistSpec spec = {});
  Param& table(std::string path, Table def, TableSpec spec);
  Param& records(std::string path, std::vector<Field> fields);
  void check(Check c) { checks_.push_back(std::move(c)); }

  const Param* find(std::string_view path) const;
  Param& param(std::string_view path);  // existing key (std::logic_error if absent)
  const std::vector<std::unique_ptr<Param>>& params() const { return params_; }
  const std::vector<Check>& checks() const { return checks_; }
  // Is `prefix` a section (some key lies below it)? "" is the top level.
  bool is_section(std::string_view prefix) const;
  // Names one level below a section: {"demand", "factor", "shocks", "sub_swaps"} under "market".
  std::vector<std::string> children(std::string_view prefix) const;

  Schema() = default;
  Schema(const Schema& o);
  Schema& operator=(const Schema& o);
  Schema(Schema&&) = default;
  Schema& operator=(Schema&&) = default;

 private:
  Param& add(std::string path, Kind kind, Value def);
  std::vector<std::unique_ptr<Param>> params_;  // declaration order = to_yaml order
  std::vector<Check> checks_;
};

}  // namespace stampede::config
