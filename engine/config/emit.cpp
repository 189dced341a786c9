// The resolved scenario as YAML: every key in schema order, defaults filled in (written to
// /input/config_yaml of each result file, engine.md "Output"), and values in flow style for
// `stampede list`. Numbers use their shortest exact spelling so a reload gives the same doubles.
#include <cmath>

#include "engine/config/detail.hpp"
#include "engine/config/values.hpp"
#include "engine/core/duration.hpp"

namespace stampede::config::detail {

static std::string seconds_text(double s) {
  if (s == std::trunc(s) && std::abs(s) < 1e15) return format_duration(static_cast<std::int64_t>(s));
  return format_number(s);
}

static void emit_distribution(YAML::Emitter& out, const DistSpec& spec, const Distribution& d) {
  auto num = [&](double v, bool timed) { return timed && spec.time ? seconds_text(v) : format_number(v); };
  out << YAML::Flow << YAML::BeginMap << YAML::Key << "dist" << YAML::Value << to_string(d.kind);
  switch (d.kind) {
    case DistKind::constant: out << YAML::Key << "value" << YAML::Value << num(d.a, true); break;
    case DistKind::uniform:
      out << YAML::Key << "low" << YAML::Value << num(d.a, true) << YAML::Key << "high" << YAML::Value << num(d.b, true);
      break;
    case DistKind::uniform_int:
      out << YAML::Key << "low" << YAML::Value << num(d.a, false) << YAML::Key << "high" << YAML::Value
          << num(d.b, false);
      break;
    case DistKind::normal:
      out << YAML::Key << "mean" << YAML::Value << num(d.a, true) << YAML::Key << "sd" << YAML::Value << num(d.b, true);
      break;
    case DistKind::lognormal:
      out << YAML::Key << "mu" << YAML::Value << num(d.a, false) << YAML::Key << "sigma" << YAML::Value
          << num(d.b, false);
      break;
    case DistKind::beta:
      out << YAML::Key << "a" << YAML::Value << num(d.a, false) << YAML::Key << "b" << YAML::Value << num(d.b, false);
      break;
    case DistKind::pareto:
      out << YAML::Key << "alpha" << YAML::Value << num(d.a, false) << YAML::Key << "scale" << YAML::Value
          << num(d.b, true);
      break;
  }
  if (std::isfinite(d.min)) out << YAML::Key << "min" << YAML::Value << num(d.min, true);
  if (std::isfinite(d.max)) out << YAML::Key << "max" << YAML::Value << num(d.max, true);
  out << YAML::EndMap;
}

static void emit_field(YAML::Emitter& out, const Field& f, const FieldValue& v) {
  if (const auto* x = std::get_if<double>(&v)) out << format_number(*x);
  else if (const auto* i = std::get_if<std::int64_t>(&v))
    out << (f.kind == Kind::duration ? format_duration(*i) : std::to_string(*i));
  else if (const auto* b = std::get_if<bool>(&v)) out << *b;
  else if (const auto* s = std::get_if<std::string>(&v)) out << *s;
}

void emit_value(YAML::Emitter& out, const Param& p, const Value& v) {
  switch (p.kind()) {
    case Kind::real:
      if (const auto* x = std::get_if<double>(&v)) out << format_number(*x);
      else out << YAML::Null;  // a nullable key left null
      break;
    case Kind::integer:
      if (p.is_uint64()) out << std::to_string(static_cast<std::uint64_t>(std::get<std::int64_t>(v)));
      else out << std::to_string(std::get<std::int64_t>(v));
      break;
    case Kind::boolean: out << std::get<bool>(v); break;
    case Kind::text:
    case Kind::choice: out << std::get<std::string>(v); break;
    case Kind::duration:
      if (const auto* s = std::get_if<std::int64_t>(&v)) out << format_duration(*s);
      else out << YAML::Null;
      break;
    case Kind::distribution: emit_distribution(out, p.dist(), std::get<Distribution>(v)); break;
    case Kind::table:
      out << YAML::Flow << YAML::BeginSeq;
      for (const auto& row : std::get<Table>(v)) {
        out << YAML::Flow << YAML::BeginSeq;
        for (double x : row) out << format_number(x);
        out << YAML::EndSeq;
      }
      out << YAML::EndSeq;
      break;
    case Kind::records: {
      const auto& recs = std::get<std::vector<Record>>(v);
      if (recs.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        break;
      }
      out << YAML::BeginSeq;
      for (const auto& r : recs) {
        out << YAML::Flow << YAML::BeginMap;
        for (const auto& f : p.fields())
          for (const auto& [name, fv] : r.fields())
            if (name == f.name && !std::holds_alternative<std::monostate>(fv)) {
              out << YAML::Key << name << YAML::Value;
              emit_field(out, f, fv);
            }
        out << YAML::EndMap;
      }
      out << YAML::EndSeq;
      break;
    }
  }
}

std::string flow_text(const Param& p, const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return p.is_nullable() ? "null" : "(unset)";
  YAML::Emitter out;
  out << YAML::Flow;
  if (p.kind() == Kind::records) {
    // One line per list in `stampede list`.
    const auto& recs = std::get<std::vector<Record>>(v);
    if (recs.empty()) return "[]";
  }
  emit_value(out, p, v);
  return out.c_str();
}

}  // namespace stampede::config::detail

namespace stampede::config {

// Emits the keys one level below `prefix`, nesting sections, in schema declaration order.
static void emit_level(YAML::Emitter& out, const Values& v, const std::string& prefix) {
  const Schema& s = v.schema();
  for (const auto& name : s.children(prefix)) {
    const std::string full = prefix.empty() ? name : prefix + "." + name;
    if (const Param* p = s.find(full)) {
      if (p->kind() == Kind::duration && !v.is_set(full)) continue;  // unset stays unset
      out << YAML::Key << name << YAML::Value;
      detail::emit_value(out, *p, v.entry(full).value);
    } else {
      out << YAML::Key << name << YAML::Value << YAML::BeginMap;
      emit_level(out, v, full);
      out << YAML::EndMap;
    }
  }
}

std::string Values::to_yaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_level(out, *this, "");
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace stampede::config
