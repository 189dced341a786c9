#pragma once
// The resolved scenario: every schema key has a value, given in the file (or by --set) or the
// default. Read it once when building a model; never inside a step loop.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/schema.hpp"
#include "engine/config/value.hpp"

namespace stampede::config {

class Values {
 public:
  // Accessors throw std::logic_error for an unknown path or a kind mismatch (a programming error).
  double real(std::string_view path) const;
  std::optional<double> optional_real(std::string_view path) const;  // a nullable real: nullopt when null
  std::int64_t integer(std::string_view path) const;
  std::uint64_t uint64(std::string_view path) const;  // a full_uint64 integer key (`seed`)
  bool boolean(std::string_view path) const;
  const std::string& text(std::string_view path) const;  // text and choice keys
  std::int64_t duration_s(std::string_view path) const;  // 0 when unset (default "")
  bool is_set(std::string_view path) const;              // false only for an unset duration
  const Distribution& distribution(std::string_view path) const;
  const Table& table(std::string_view path) const;
  const std::vector<Record>& records(std::string_view path) const;

  Location where(std::string_view path) const;  // the key if given, else its enclosing mapping
  bool given(std::string_view path) const;
  const Schema& schema() const { return *schema_; }
  const std::string& source() const { return source_; }

  // The fully resolved scenario as YAML, defaults filled in, keys in schema order. Loading it
  // back gives the same values (tested).
  std::string to_yaml() const;
  bool same_as(const Values& o) const;  // same keys and values (not locations)

  // --- building (the loader) ---
  struct Entry {
    Value value;
    bool given = false;
    bool failed = false;  // invalid: reading it in a cross-key check skips that check
    Location key_loc, value_loc;
  };
  Values(std::shared_ptr<const Schema> schema, std::string source);
  Entry& entry(std::string_view path);
  const Entry& entry(std::string_view path) const;
  void add_section(std::string path, Location loc) { sections_[std::move(path)] = std::move(loc); }

 private:
  const Value& get(std::string_view path, Kind k1, Kind k2) const;
  std::shared_ptr<const Schema> schema_;
  std::string source_;
  std::vector<Entry> entries_;  // parallel to schema().params()
  std::map<std::string, std::size_t, std::less<>> index_;
  std::map<std::string, Location, std::less<>> sections_;
};

namespace detail {
// Thrown by a Values accessor on a key whose own value failed validation; the loader catches it
// and skips that cross-key check.
struct InvalidKey {
  std::string path;
};
}  // namespace detail

}  // namespace stampede::config
