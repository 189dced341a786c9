// `stampede list` text, generated from the same schema that validates (engine.md "Configuration").
#include <algorithm>

#include "engine/config/detail.hpp"
#include "engine/config/registry.hpp"

namespace stampede::config {

namespace {

struct Row {
  std::string key, def, allowed, unit, doc;
};

Row row_of(const Param& p, const std::string& def_note = "") {
  Row r{p.path(), p.is_required() ? "(required)" : detail::flow_text(p, p.default_value()), p.allowed(),
        p.unit_name(), p.doc_text()};
  if (!def_note.empty()) r.def += " " + def_note;
  return r;
}

void print(std::string& out, const std::vector<Row>& rows) {
  std::size_t wk = 0, wd = 0, wa = 0;
  for (const auto& r : rows) {
    wk = std::max(wk, r.key.size());
    wd = std::max(wd, r.def.size());
    wa = std::max(wa, r.allowed.size());
  }
  wd = std::min<std::size_t>(wd, 40);
  wa = std::min<std::size_t>(wa, 40);
  auto pad = [](const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); };
  for (const auto& r : rows) {
    std::string line = "  " + pad(r.key, wk) + "  " + pad(r.def, wd) + "  " + pad(r.allowed, wa);
    if (!r.unit.empty()) line += "  [" + r.unit + "]";
    if (!r.doc.empty()) line += "  " + r.doc;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
}

bool same_default(const Param& a, const Param& b) {
  return detail::flow_text(a, a.default_value()) == detail::flow_text(b, b.default_value()) &&
         a.allowed() == b.allowed();
}

}  // namespace

std::string describe(const Registry& registry) {
  std::string out;
  const Schema common = registry.common();
  out += "Common keys (every protocol): key, default, allowed values, [unit], description\n";
  std::vector<Row> rows;
  for (const auto& p : common.params()) rows.push_back(row_of(*p));
  print(out, rows);
  const auto names = registry.names();
  if (names.empty()) out += "\nNo protocols registered.\n";
  for (const auto& name : names) {
    const Schema s = registry.schema_for(name);
    out += "\nProtocol " + name;
    if (!registry.doc(name).empty()) out += ": " + registry.doc(name);
    out += "\n";
    rows.clear();
    for (const auto& p : s.params()) {
      const Param* c = common.find(p->path());
      if (!c) rows.push_back(row_of(*p));
      else if (!same_default(*p, *c)) {
        const std::string common_def = detail::flow_text(*c, c->default_value());
        const bool def_changed = common_def != detail::flow_text(*p, p->default_value());
        rows.push_back(row_of(*p, def_changed ? "(common: " + common_def + ")" : ""));
      }
    }
    print(out, rows);
  }
  return out;
}

}  // namespace stampede::config
