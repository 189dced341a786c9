// From a YAML node given for one schema key to its typed value, checking kind and range.
#include <algorithm>
#include <cmath>

#include "engine/config/detail.hpp"
#include "engine/config/suggest.hpp"

namespace stampede::config::detail {

static std::string join(const std::vector<std::string>& xs) {
  std::string s;
  for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + xs[i];
  return s;
}

static std::string out_of_range(const Bounds& b, const YAML::Node& n) {
  return "must be in " + b.str() + ", got " + n.Scalar();
}

// A choice: one of `choices`, with a did-you-mean for a near miss.
static std::optional<std::string> read_choice(const YAML::Node& n, const std::vector<std::string>& choices,
                                              std::string& why) {
  if (!n.IsDefined() || n.IsNull() || !n.IsScalar()) {
    why = "expected one of: " + join(choices) + "; got " + describe_node(n);
    return std::nullopt;
  }
  const std::string& s = n.Scalar();
  if (std::find(choices.begin(), choices.end(), s) != choices.end()) return s;
  why = "must be one of: " + (choices.empty() ? std::string("(none registered)") : join(choices)) + "; got '" + s + "'";
  if (const auto c = closest(s, choices)) why += "; did you mean '" + *c + "'?";
  return std::nullopt;
}

static bool convert_table(const Param& p, const YAML::Node& node, const Origin& origin, const Location& key_loc,
                          Value& out, Sink& sink) {
  const TableSpec& spec = p.table();
  const Location at = origin.at(node, key_loc);
  const std::size_t width = spec.columns.size();
  const std::string shape = "a list of rows [" + join(spec.columns) + "]";
  if (!node.IsSequence()) {
    sink.error(at, p.path(), "expected " + shape + ", got " + describe_node(node));
    return false;
  }
  Table t;
  bool ok = true;
  for (std::size_t r = 0; r < node.size(); ++r) {
    // A one-column table is a plain list: `[0.5, 0.2]` reads as the rows [0.5], [0.2].
    // (yaml-cpp's Node::operator= writes through to the node it refers to: build a new one.)
    YAML::Node row;
    if (width == 1 && node[r].IsScalar()) {
      row = YAML::Node(YAML::NodeType::Sequence);
      row.push_back(node[r]);
    } else {
      row.reset(node[r]);
    }
    const Location rat = origin.at(node[r], at);
    const std::string where = "row " + std::to_string(r + 1);
    if (!row.IsSequence() || row.size() != width) {
      sink.error(rat, p.path(), where + ": expected [" + join(spec.columns) + "], got " +
                                    (row.IsSequence() ? std::to_string(row.size()) + " values" : describe_node(row)));
      ok = false;
      continue;
    }
    std::vector<double> vals(width);
    for (std::size_t c = 0; c < width; ++c) {
      std::string why;
      const auto v = read_real(row[c], why);
      const Location cat = origin.at(row[c], rat);
      if (!v) {
        sink.error(cat, p.path(), where + " (" + spec.columns[c] + "): " + why);
        ok = false;
      } else if (c < spec.bounds.size() && !spec.bounds[c].contains(*v)) {
        sink.error(cat, p.path(), where + " (" + spec.columns[c] + "): " + out_of_range(spec.bounds[c], row[c]));
        ok = false;
      } else {
        vals[c] = *v;
      }
    }
    if (ok && spec.ascending_first && !t.empty() && !(vals[0] > t.back()[0])) {
      sink.error(rat, p.path(), where + ": " + spec.columns[0] + " must be ascending, got " +
                                    format_number(vals[0]) + " after " + format_number(t.back()[0]));
      ok = false;
    }
    t.push_back(std::move(vals));
  }
  if (ok && t.size() < spec.min_rows) {
    sink.error(at, p.path(), "needs at least " + std::to_string(spec.min_rows) + " row(s)");
    ok = false;
  }
  if (ok) out = std::move(t);
  return ok;
}

bool convert_field(const Field& f, const YAML::Node& n, const Origin& origin, const Location& at,
                   const std::string& key, FieldValue& out, Sink& sink) {
  std::string why;
  switch (f.kind) {
    case Kind::real:
      if (const auto v = read_real(n, why)) {
        if (f.bounds.contains(*v)) { out = *v; return true; }
        why = out_of_range(f.bounds, n);
      }
      break;
    case Kind::integer:
      if (const auto v = read_integer(n, why)) {
        if (f.bounds.contains(static_cast<double>(*v))) { out = *v; return true; }
        why = out_of_range(f.bounds, n);
      }
      break;
    case Kind::boolean:
      if (const auto v = read_bool(n, why)) { out = *v; return true; }
      break;
    case Kind::choice:
      if (const auto v = read_choice(n, f.choices, why)) { out = *v; return true; }
      break;
    case Kind::duration:
      // Unbounded duration fields must be positive; bounds (in seconds) may allow 0 (`at: 0d`).
      if (const auto v = read_duration(n, why, f.bounds.unbounded() ? 1 : 0)) {
        if (f.bounds.unbounded() || f.bounds.contains(static_cast<double>(*v))) { out = *v; return true; }
        why = "must be in " + f.bounds.str() + " seconds, got " + n.Scalar();
      }
      break;
    default:  // text
      if (n.IsDefined() && !n.IsNull() && n.IsScalar()) { out = n.Scalar(); return true; }
      why = "expected text, got " + describe_node(n);
  }
  sink.error(origin.at(n, at), key, why);
  return false;
}

bool convert_record(const Param& p, const YAML::Node& item, const Origin& origin, const Location& at,
                    const std::string& base, Record& rec, Sink& sink) {
  std::vector<std::string> names;
  for (const auto& f : p.fields()) names.push_back(f.name);
  const Location iat = origin.at(item, at);
  if (!item.IsMap()) {
    sink.error(iat, base, "expected a mapping {" + join(names) + "}, got " + describe_node(item));
    return false;
  }
  bool ok = true;
  rec = Record{};
  rec.place(iat);
  for (const auto& f : p.fields()) rec.set(f.name, std::monostate{}, Location{});  // schema order
  // Unknown and duplicate fields.
  std::vector<std::string> seen;
  for (const auto& kv : item) {
    const std::string name = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    const Location kat = origin.at(kv.first, iat);
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      sink.error(kat, base + "." + name, "duplicate key");
      ok = false;
    } else if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string msg = "unknown field";
      if (const auto c = closest(name, names)) msg += "; did you mean '" + *c + "'?";
      else msg += " (expected " + join(names) + ")";
      sink.error(kat, base + "." + name, msg);
      ok = false;
    }
    seen.push_back(name);
  }
  for (const auto& f : p.fields()) {
    const YAML::Node v = item[f.name];
    if (!v.IsDefined()) {
      if (f.required) {
        sink.error(iat, base + "." + f.name, "missing required field");
        ok = false;
      } else if (!std::holds_alternative<std::monostate>(f.def)) {
        rec.set(f.name, f.def, Location{});
      }
      continue;
    }
    FieldValue fv;
    if (convert_field(f, v, origin, iat, base + "." + f.name, fv, sink)) rec.set(f.name, fv, origin.at(v, iat));
    else ok = false;
  }
  return ok;
}

static bool convert_records(const Param& p, const YAML::Node& node, const Origin& origin, const Location& key_loc,
                            Value& out, Sink& sink) {
  const Location at = origin.at(node, key_loc);
  std::vector<Record> recs;
  if (node.IsNull()) {  // `market.shocks:` with nothing = no shocks
    out = std::move(recs);
    return true;
  }
  if (!node.IsSequence()) {
    sink.error(at, p.path(), "expected a list of mappings, got " + describe_node(node));
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < node.size(); ++i) {
    Record rec;
    if (convert_record(p, node[i], origin, at, p.path() + "[" + std::to_string(i) + "]", rec, sink))
      recs.push_back(std::move(rec));
    else
      ok = false;
  }
  if (ok) out = std::move(recs);
  return ok;
}

bool convert(const Param& p, const YAML::Node& node, const Origin& origin, const Location& key_loc, Value& out,
             Sink& sink) {
  const Location at = origin.at(node, key_loc);
  std::string why;
  if (p.is_nullable() && node.IsDefined() && node.IsNull()) {
    out = std::monostate{};
    return true;
  }
  switch (p.kind()) {
    case Kind::real:
      if (const auto v = read_real(node, why)) {
        if (p.bounds().contains(*v)) { out = *v; return true; }
        why = out_of_range(p.bounds(), node);
      }
      break;
    case Kind::integer:
      if (p.is_uint64()) {
        if (const auto u = read_uint64(node, why)) { out = static_cast<std::int64_t>(u.value()); return true; }
        break;
      }
      if (const auto v = read_integer(node, why)) {
        if (p.bounds().contains(static_cast<double>(*v))) { out = *v; return true; }
        why = out_of_range(p.bounds(), node);
      }
      break;
    case Kind::boolean:
      if (const auto v = read_bool(node, why)) { out = *v; return true; }
      break;
    case Kind::text:
      if (node.IsDefined() && !node.IsNull() && node.IsScalar()) { out = node.Scalar(); return true; }
      why = node.IsNull() ? "has no value (expected text)" : "expected text, got " + describe_node(node);
      break;
    case Kind::choice:
      if (const auto v = read_choice(node, p.choices(), why)) { out = *v; return true; }
      break;
    case Kind::duration:
      if (const auto v = read_duration(node, why)) {
        if (p.bounds().contains(static_cast<double>(*v))) { out = *v; return true; }
        why = "must be in " + p.bounds().duration_str() + ", got " + node.Scalar();
      }
      break;
    case Kind::distribution: return convert_distribution(p, node, origin, key_loc, out, sink);
    case Kind::table: return convert_table(p, node, origin, key_loc, out, sink);
    case Kind::records: return convert_records(p, node, origin, key_loc, out, sink);
  }
  sink.error(at, p.path(), why);
  return false;
}

}  // namespace stampede::config::detail
