#pragma once
// Typed values of a resolved scenario and where each came from.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "engine/core/distribution.hpp"

namespace stampede::config {

// Where a key (or a value) was written. file is the path as given, "--set" for a command-line
// override; line/column are 1-based, 0 = unknown (a default, or a --set value).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
};

// One field of a record (a map inside a list, e.g. one `market.shocks` entry). Durations are
// held as whole seconds (std::int64_t), like integers; the field's kind tells them apart.
using FieldValue = std::variant<std::monostate, double, std::int64_t, bool, std::string>;

class Record {
 public:
  bool has(std::string_view field) const { return find(field) != nullptr; }
  double real(std::string_view field) const;
  std::int64_t integer(std::string_view field) const;
  std::int64_t duration_s(std::string_view field) const { return integer(field); }
  bool boolean(std::string_view field) const;
  const std::string& text(std::string_view field) const;
  Location where(std::string_view field) const;  // the field's value (file or --set), else the record itself
  const Location& where() const { return at_; }

  // Building (the loader):
  void set(std::string field, FieldValue v, Location loc);
  void place(Location loc) { at_ = std::move(loc); }
  const std::vector<std::pair<std::string, FieldValue>>& fields() const { return fields_; }
  bool operator==(const Record& o) const { return fields_ == o.fields_; }  // values only

 private:
  const FieldValue* find(std::string_view field) const;
  std::vector<std::pair<std::string, FieldValue>> fields_;  // in schema field order
  std::vector<Location> locs_;
  Location at_;
};

using Table = std::vector<std::vector<double>>;

// A parameter's value; std::monostate = unset (a duration whose default is "").
using Value = std::variant<std::monostate, double, std::int64_t, bool, std::string, Distribution,
                           Table, std::vector<Record>>;

bool same_distribution(const Distribution& a, const Distribution& b);

}  // namespace stampede::config
