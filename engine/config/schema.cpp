#include "engine/config/schema.hpp"

#include <stdexcept>

#include "engine/config/values.hpp"
#include "engine/core/duration.hpp"

namespace stampede::config {

const char* to_string(Kind k) {
  switch (k) {
    case Kind::real: return "real";
    case Kind::integer: return "integer";
    case Kind::boolean: return "boolean";
    case Kind::text: return "text";
    case Kind::choice: return "choice";
    case Kind::duration: return "duration";
    case Kind::distribution: return "distribution";
    case Kind::table: return "table";
    case Kind::records: return "list";
  }
  return "?";
}

static void want(const Param& p, bool ok, const char* what) {
  if (!ok) throw std::logic_error("config schema: " + p.path() + " is a " + to_string(p.kind()) +
                                  ", not given a " + what + " default");
}

Param& Param::set_default(double v) {
  want(*this, kind_ == Kind::real, "real");
  def_ = v;
  return *this;
}
Param& Param::set_default(std::int64_t v) {
  want(*this, kind_ == Kind::integer, "integer");
  def_ = v;
  return *this;
}
Param& Param::set_default(int v) {
  if (kind_ == Kind::real) return set_default(static_cast<double>(v));
  return set_default(static_cast<std::int64_t>(v));
}
Param& Param::set_default(bool v) {
  want(*this, kind_ == Kind::boolean, "boolean");
  def_ = v;
  return *this;
}
Param& Param::set_default(std::string v) {
  if (kind_ == Kind::duration) {
    if (v.empty()) {
      def_ = std::monostate{};
      return *this;
    }
    const auto s = parse_duration(v);
    if (!s || *s <= 0) throw std::logic_error("config schema: " + path_ + ": bad default duration " + v);
    def_ = *s;
    return *this;
  }
  want(*this, kind_ == Kind::text || kind_ == Kind::choice, "text");
  def_ = std::move(v);
  return *this;
}
Param& Param::set_default(Distribution v) {
  want(*this, kind_ == Kind::distribution, "distribution");
  def_ = v;
  return *this;
}
Param& Param::set_default(Table v) {
  want(*this, kind_ == Kind::table, "table");
  def_ = std::move(v);
  return *this;
}

Field& Param::field(std::string_view name) {
  for (auto& f : fields_)
    if (f.name == name) return f;
  throw std::logic_error("config schema: " + path_ + " has no field " + std::string(name));
}

const Field* Param::find_field(std::string_view name) const {
  for (const auto& f : fields_)
    if (f.name == name) return &f;
  return nullptr;
}

static std::string join(const std::vector<std::string>& xs, const char* sep = ", ") {
  std::string s;
  for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? sep : "") + xs[i];
  return s;
}

static std::string field_allowed(const Field& f) {
  switch (f.kind) {
    case Kind::choice: return "one of " + join(f.choices, "|");
    case Kind::duration: return "duration > 0";
    case Kind::real:
    case Kind::integer: return f.bounds.unbounded() ? std::string(to_string(f.kind)) : f.bounds.str();
    default: return to_string(f.kind);
  }
}

std::string Param::allowed() const {
  switch (kind_) {
    case Kind::real: return nullable_ ? bounds_.str() + ", or null" : bounds_.str();
    case Kind::integer: return uint64_ ? "[0, 18446744073709551615]" : bounds_.str();
    case Kind::boolean: return "true, false";
    case Kind::text: return "text";
    case Kind::choice: return "one of: " + join(choices_);
    case Kind::duration: {
      std::string s = bounds_.duration_str();
      if (!multiple_of_.empty()) s += ", multiple of " + multiple_of_;
      if (nullable_) s += ", or null";
      return s;
    }
    case Kind::distribution: {
      std::string s = "{dist: ...}";
      if (!dist_.support.unbounded()) s += ", draws in " + dist_.support.str();
      if (dist_.time) s += " (durations)";
      if (dist_.integer) s += " (integers)";
      return s;
    }
    case Kind::table: {
      std::string s = "rows [" + join(table_.columns) + "]";
      if (table_.ascending_first && !table_.columns.empty()) s += ", " + table_.columns[0] + " ascending";
      for (std::size_t c = 0; c < table_.bounds.size() && c < table_.columns.size(); ++c)
        if (!table_.bounds[c].unbounded()) s += "; " + table_.columns[c] + " in " + table_.bounds[c].str();
      return s;
    }
    case Kind::records: {
      std::vector<std::string> fs;
      for (const auto& f : fields_) fs.push_back(f.name + (f.required ? "" : "?") + ": " + field_allowed(f));
      return "list of {" + join(fs) + "}";
    }
  }
  return "";
}

Param& Schema::add(std::string path, Kind kind, Value def) {
  if (path.empty() || path.front() == '.' || path.back() == '.')
    throw std::logic_error("config schema: bad key path '" + path + "'");
  if (find(path) || is_section(path)) throw std::logic_error("config schema: " + path + " declared twice");
  // A key may not sit below another key ("a.b" and "a.b.c").
  for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
    if (find(std::string_view(path).substr(0, dot)))
      throw std::logic_error("config schema: " + path + " lies below a key");
  params_.push_back(std::make_unique<Param>(std::move(path), kind, std::move(def)));
  return *params_.back();
}

static void default_in_bounds(const std::string& path, double def, const Bounds& b) {
  if (!b.contains(def))
    throw std::logic_error("config schema: " + path + ": default " + format_number(def) + " outside " + b.str());
}

Param& Param::nullable() {
  if (kind_ != Kind::real && kind_ != Kind::duration)
    throw std::logic_error("config schema: " + path_ + ": only real and duration keys may be nullable");
  nullable_ = true;
  if (kind_ == Kind::real) def_ = std::monostate{};
  return *this;
}

Param& Schema::real(std::string path, double def, Bounds b) {
  default_in_bounds(path, def, b);
  return add(std::move(path), Kind::real, def).set_bounds(b);
}
Param& Schema::integer(std::string path, std::int64_t def, Bounds b) {
  default_in_bounds(path, static_cast<double>(def), b);
  return add(std::move(path), Kind::integer, def).set_bounds(b);
}
Param& Schema::boolean(std::string path, bool def) { return add(std::move(path), Kind::boolean, def); }
Param& Schema::text(std::string path, std::string def) {
  return add(std::move(path), Kind::text, std::move(def));
}
Param& Schema::choice(std::string path, std::string def, std::vector<std::string> choices) {
  return add(std::move(path), Kind::choice, std::move(def)).set_choices(std::move(choices));
}
Param& Schema::duration(std::string path, std::string def, std::string multiple_of) {
  Param& p = add(std::move(path), Kind::duration, std::monostate{});
  p.set_default(std::move(def));
  p.multiple_of_ = std::move(multiple_of);
  return p;
}
Param& Schema::distribution(std::string path, Distribution def, DistSpec spec) {
  Param& p = add(std::move(path), Kind::distribution, def);
  p.dist_ = spec;
  return p;
}
Param& Schema::table(std::string path, Table def, TableSpec spec) {
  Param& p = add(std::move(path), Kind::table, std::move(def));
  p.table_ = std::move(spec);
  return p;
}
Param& Schema::records(std::string path, std::vector<Field> fields) {
  Param& p = add(std::move(path), Kind::records, std::vector<Record>{});
  p.fields_ = std::move(fields);
  return p;
}

const Param* Schema::find(std::string_view path) const {
  for (const auto& p : params_)
    if (p->path() == path) return p.get();
  return nullptr;
}

Param& Schema::param(std::string_view path) {
  for (auto& p : params_)
    if (p->path() == path) return *p;
  throw std::logic_error("config schema: no key " + std::string(path));
}

static bool below(std::string_view path, std::string_view prefix) {
  if (prefix.empty()) return true;
  return path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix && path[prefix.size()] == '.';
}

bool Schema::is_section(std::string_view prefix) const {
  for (const auto& p : params_)
    if (below(p->path(), prefix)) return true;
  return false;
}

std::vector<std::string> Schema::children(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& p : params_) {
    if (!below(p->path(), prefix)) continue;
    std::string_view rest = std::string_view(p->path()).substr(prefix.empty() ? 0 : prefix.size() + 1);
    std::string name(rest.substr(0, rest.find('.')));
    bool seen = false;
    for (const auto& o : out) seen = seen || o == name;
    if (!seen) out.push_back(std::move(name));
  }
  return out;
}

Schema::Schema(const Schema& o) : checks_(o.checks_) {
  for (const auto& p : o.params_) params_.push_back(std::make_unique<Param>(*p));
}
Schema& Schema::operator=(const Schema& o) {
  if (this != &o) {
    Schema copy(o);
    *this = std::move(copy);
  }
  return *this;
}

void Reporter::error(std::string_view key, std::string message) {
  Location loc = values_.where(key);
  if (values_.given(key)) {
    const auto& e = values_.entry(key);
    if (e.value_loc.line > 0 || !e.value_loc.file.empty()) loc = e.value_loc;
  }
  out_.push_back(Diagnostic{loc.file, loc.line, loc.column, std::string(key), std::move(message)});
}

void Reporter::error_at(const Location& where, std::string key, std::string message) {
  out_.push_back(Diagnostic{where.file, where.line, where.column, std::move(key), std::move(message)});
}

}  // namespace stampede::config
