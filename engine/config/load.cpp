#include "engine/config/load.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/config/detail.hpp"
#include "engine/config/suggest.hpp"
#include "engine/core/duration.hpp"

namespace stampede::config {

namespace {

using detail::Origin;
using detail::Sink;

// A value given for a key: its node, where it came from, and where its key was written.
struct Given {
  YAML::Node node;
  Origin origin;
  Location key_loc;
};

std::string join(const std::vector<std::string>& xs) {
  std::string s;
  for (std::size_t i = 0; i < xs.size(); ++i) s += (i ? ", " : "") + xs[i];
  return s;
}

std::string dotted(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

std::string last_segment(const std::string& path) {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// "unknown key; did you mean 'market.demand.sd'?" — a sibling by edit distance, else a key of
// the same name elsewhere (misplaced), else the list of what this level holds.
std::string unknown_key_message(const Schema& s, const std::string& prefix, const std::string& name) {
  const auto siblings = s.children(prefix);
  if (const auto c = closest(name, siblings)) return "unknown key; did you mean '" + dotted(prefix, *c) + "'?";
  for (const auto& p : s.params())
    if (last_segment(p->path()) == name) return "unknown key; did you mean '" + p->path() + "'?";
  if (!siblings.empty() && siblings.size() <= 16)
    return "unknown key (expected one of: " + join(siblings) + ")";
  return "unknown key";
}

// Keys of features that are planned but not implemented yet: what they are for, so a scenario
// using them is told that rather than pointed at a look-alike key ("sweep" -> "seed").
std::optional<std::string> planned_key_message(const std::string& top) {
  if (top == "sweep")
    return "a sweep block belongs in the scenario file (or `stampede sweep --over KEY=[...]`); it cannot be "
           "set with --set";
  if (top == "sensitivity")
    return "a sensitivity block belongs in the scenario file (or `stampede sensitivity --params GLOB`); it cannot "
           "be set with --set";
  return std::nullopt;
}

// `key[index]` or `key[index].field` of a `--set` key; nullopt if `key` has no '['.
struct ItemKey {
  std::string list, field;
  std::size_t index = 0;
  bool ok = false;
};
std::optional<ItemKey> parse_item_key(const std::string& key) {
  const auto open = key.find('[');
  if (open == std::string::npos) return std::nullopt;
  ItemKey k;
  k.list = key.substr(0, open);
  const auto close = key.find(']', open);
  if (close == std::string::npos || close == open + 1) return k;
  const std::string digits = key.substr(open + 1, close - open - 1);
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), k.index);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return k;
  const std::string rest = key.substr(close + 1);
  if (!rest.empty()) {
    if (rest.size() < 2 || rest[0] != '.' || rest.find_first_of(".[]", 1) != std::string::npos) return k;
    k.field = rest.substr(1);
  }
  k.ok = !k.list.empty();
  return k;
}

// One `--set list[i].field=value` (or `list[i]=value`), applied to the resolved list.
struct ItemOverride {
  std::string key;  // as written
  ItemKey item;
  YAML::Node value;
  Location at;      // "--set", or where a sweep point wrote it
  Origin origin;
};

class Loader {
 public:
  Loader(const Schema& schema, const LoadOptions& opt) : schema_(schema), opt_(opt) {}

  // Walks one mapping of the file, matching keys to schema keys and sections.
  void walk(const YAML::Node& map, const std::string& prefix, const Origin& origin, Values& v) {
    std::map<std::string, int> first_line;
    for (const auto& kv : map) {
      const Location kat = origin.at(kv.first, Location{origin.file, 1, 1});
      if (!kv.first.IsScalar()) {
        sink.error(kat, prefix, "keys must be plain names, got " + detail::describe_node(kv.first));
        continue;
      }
      const std::string name = kv.first.Scalar();
      const std::string full = dotted(prefix, name);
      if (const auto it = first_line.find(name); it != first_line.end()) {
        sink.error(kat, full, "duplicate key (first given at line " + std::to_string(it->second) + ")");
        continue;
      }
      first_line[name] = kat.line;
      if (schema_.find(full)) {
        given_[full] = Given{kv.second, origin, kat};
      } else if (schema_.is_section(full)) {
        v.add_section(full, kat);
        if (kv.second.IsMap()) walk(kv.second, full, origin, v);
        else if (!kv.second.IsNull())
          sink.error(origin.at(kv.second, kat), full,
                     "expected a mapping (keys " + join(schema_.children(full)) + "), got " +
                         detail::describe_node(kv.second));
      } else if (prefix.empty() && (name == "sweep" || name == "sensitivity") && opt_.skip_sweep) {
        // read by the sweep and sensitivity parsers (sweep_spec.cpp, sensitivity_spec.cpp)
      } else if (const auto planned = prefix.empty() ? planned_key_message(name) : std::nullopt) {
        sink.error(kat, full, *planned);
      } else if (!(opt_.ignore_unknown_sections && prefix.empty() && kv.second.IsMap())) {
        sink.error(kat, full, unknown_key_message(schema_, prefix, name));
      }
    }
  }

  // `--set a.b.c=value`: the value is read as YAML (scalar or flow); a mapping given for a
  // section sets the keys inside it.
  void override_with(const std::string& arg) {
    set_at_ = Location{"--set", 0, 0};
    set_origin_ = Origin{"--set", false};
    const Location& at = set_at_;
    const auto eq = arg.find('=');
    std::string key = arg.substr(0, eq);
    key.erase(0, key.find_first_not_of(" \t"));
    key.erase(key.find_last_not_of(" \t") + 1);
    if (eq == std::string::npos || key.empty()) {
      sink.error(at, "", "expected key.path=value, got '" + arg + "'");
      return;
    }
    YAML::Node value;
    try {
      value = YAML::Load(arg.substr(eq + 1));
    } catch (const YAML::Exception& e) {
      sink.error(at, key, "cannot read the value as YAML: " + e.msg);
      return;
    }
    override_node(key, value);
  }

  // One override of a sweep point, located where the point wrote it.
  void override_at(const NodeOverride& o) {
    set_at_ = o.at;
    set_origin_ = Origin{o.at.file, false, o.at.line, o.at.column};
    override_node(o.key, o.value);
  }

  // `--set market.shocks[0].size=-0.3`: checked here for the parts that do not need the list
  // (the key, the field name); the index and the value once the list is resolved.
  void override_node(const std::string& key, const YAML::Node& value) {
    if (const auto item = parse_item_key(key)) {
      set_item(key, *item, value);
      return;
    }
    set_path(key, value, set_origin_);
  }

  void set_item(const std::string& key, const ItemKey& item, const YAML::Node& value) {
    const Location& at = set_at_;
    if (!item.ok) {
      sink.error(at, key, "expected key[index] or key[index].field with a whole-number index, e.g. "
                          "market.shocks[0].size");
      return;
    }
    const Param* p = schema_.find(item.list);
    if (!p) {
      if (schema_.is_section(item.list)) sink.error(at, item.list, "is a section, not a list");
      else unknown_set_key(item.list);
      return;
    }
    if (p->kind() != Kind::records) {
      const std::string kind = to_string(p->kind());
      const bool vowel = std::string("aeiou").find(kind[0]) != std::string::npos;
      sink.error(at, item.list,
                 "is " + std::string(vowel ? "an " : "a ") + kind + ", not a list of records; set it whole (--set " +
                     item.list + "=...): [index] applies to record lists such as market.shocks");
      return;
    }
    if (!item.field.empty() && !p->find_field(item.field)) {
      std::vector<std::string> names;
      for (const auto& f : p->fields()) names.push_back(f.name);
      std::string msg = "unknown field";
      if (const auto c = closest(item.field, names)) msg += "; did you mean '" + *c + "'?";
      else msg += " (expected " + join(names) + ")";
      sink.error(at, key, msg);
      return;
    }
    items_.push_back(ItemOverride{key, item, value, set_at_, set_origin_});
  }

  void unknown_set_key(const std::string& key) {
    const Location& at = set_at_;
    const std::string top = key.substr(0, key.find('.'));
    if (const auto planned = planned_key_message(top)) {
      sink.error(at, key, *planned);
      return;
    }
    const auto dot = key.rfind('.');
    std::string prefix = dot == std::string::npos ? "" : key.substr(0, dot);
    while (!prefix.empty() && !schema_.is_section(prefix)) {  // deepest existing section
      const auto d = prefix.rfind('.');
      prefix = d == std::string::npos ? "" : prefix.substr(0, d);
    }
    const std::string rest = prefix.empty() ? key : key.substr(prefix.size() + 1);
    sink.error(at, key, unknown_key_message(schema_, prefix, rest.substr(0, rest.find('.'))));
  }

  void set_path(const std::string& key, const YAML::Node& value, const Origin& origin) {
    const Location& at = set_at_;
    if (schema_.find(key)) {
      // The file's own value is still validated (an invalid file is reported even when a --set
      // overrides the key).
      if (const auto it = given_.find(key); it != given_.end()) {
        if (it->second.origin.marks) shadowed_.emplace(key, it->second);
        given_.erase(it);  // not assigned: assigning a YAML::Node overwrites the node it refers to
      }
      given_.emplace(key, Given{value, origin, at});
    } else if (schema_.is_section(key) && value.IsMap()) {
      for (const auto& kv : value) set_path(dotted(key, kv.first.Scalar()), kv.second, origin);
    } else if (schema_.is_section(key)) {
      sink.error(at, key, "is a section; set one of its keys (" + join(schema_.children(key)) + ")");
    } else {
      unknown_set_key(key);
    }
  }

  void resolve(Values& v) {
    for (const auto& p : schema_.params()) {
      auto& e = v.entry(p->path());
      const auto it = given_.find(p->path());
      if (it == given_.end()) {
        if (p->is_required()) {
          const Location at = v.where(p->path());
          sink.error(at, p->path(), "missing required key (" + p->allowed() + ")");
          e.failed = true;
        }
        continue;
      }
      const Given& g = it->second;
      e.given = true;
      e.key_loc = g.key_loc;
      e.value_loc = g.origin.at(g.node, g.key_loc);
      Value out;
      if (detail::convert(*p, g.node, g.origin, g.key_loc, out, sink)) e.value = std::move(out);
      else e.failed = true;
    }
    for (const auto& [path, g] : shadowed_) {  // the file's values of overridden keys: errors only
      Value ignored;
      detail::convert(*schema_.find(path), g.node, g.origin, g.key_loc, ignored, sink);
    }
    apply_items(v);
    fill_record_defaults(v);
    check_multiples(v);
    run_checks(v);
  }

  Sink sink;

 private:
  // `--set list[i].field=value` / `list[i]={...}` on the resolved list (from the file, a whole
  // --set of the list, or the default), validated like the file; located as --set.
  void apply_items(Values& v) {
    std::set<std::string> invalid;  // lists whose own value (file, --set or default) is invalid
    for (const auto& o : items_)
      if (v.entry(o.item.list).failed) invalid.insert(o.item.list);
    for (const auto& o : items_) {
      const Location& at = o.at;
      const Origin& origin = o.origin;
      const Param& p = *schema_.find(o.item.list);
      auto& e = v.entry(p.path());
      if (invalid.count(p.path())) continue;  // the list has its own error
      auto& recs = std::get<std::vector<Record>>(e.value);
      const std::string base = p.path() + "[" + std::to_string(o.item.index) + "]";
      if (o.item.index >= recs.size()) {
        sink.error(at, o.key,
                   "index " + std::to_string(o.item.index) + " is past the end of " + p.path() + " (" +
                       (recs.empty() ? std::string("an empty list")
                       : recs.size() == 1 ? std::string("1 item, index 0")
                                          : std::to_string(recs.size()) + " items, indices 0 to " +
                                                std::to_string(recs.size() - 1)) +
                       "); to add items set the whole list: --set \"" + p.path() + "=[{...}, ...]\"");
        e.failed = true;
        continue;
      }
      if (o.item.field.empty()) {
        Record rec;
        if (detail::convert_record(p, o.value, origin, at, base, rec, sink)) recs[o.item.index] = std::move(rec);
        else e.failed = true;
        continue;
      }
      const Field& f = *p.find_field(o.item.field);
      FieldValue fv;
      if (o.value.IsNull() && !f.required) {  // `--set market.shocks[0].rate=` removes an optional field
        recs[o.item.index].set(f.name, f.def, at);
      } else if (detail::convert_field(f, o.value, origin, at, base + "." + f.name, fv, sink)) {
        recs[o.item.index].set(f.name, fv, at);
      } else {
        e.failed = true;
      }
    }
  }

  // Record fields that default to another key's value (a shock's duration = step).
  void fill_record_defaults(Values& v) {
    for (const auto& p : schema_.params()) {
      if (p->kind() != Kind::records) continue;
      auto& e = v.entry(p->path());
      if (e.failed) continue;
      for (const auto& f : p->fields()) {
        if (f.default_key.empty()) continue;
        const auto& src = v.entry(f.default_key);
        if (src.failed || std::holds_alternative<std::monostate>(src.value)) continue;
        FieldValue fv;
        std::visit([&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, double> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, bool> ||
                        std::is_same_v<T, std::string>)
            fv = x;
        }, src.value);
        for (auto& r : std::get<std::vector<Record>>(e.value))
          if (!r.has(f.name)) r.set(f.name, fv, Location{});
      }
    }
  }

  // Periods that must divide (engine.md "Time"): the value is a whole multiple of another key.
  void check_multiples(Values& v) {
    for (const auto& p : schema_.params()) {
      if (p->kind() != Kind::duration || p->multiple_of().empty()) continue;
      const auto& e = v.entry(p->path());
      const auto& base = v.entry(p->multiple_of());
      if (e.failed || base.failed) continue;
      const auto* x = std::get_if<std::int64_t>(&e.value);
      const auto* b = std::get_if<std::int64_t>(&base.value);
      if (!x || !b || *b <= 0 || *x % *b == 0) continue;
      // Located where the user wrote one of the two (the key itself if given).
      Location at = e.given ? e.value_loc : base.given ? base.value_loc : v.where(p->path());
      sink.error(at, p->path(),
                 format_duration(*x) + " is not a whole multiple of " + p->multiple_of() + " " + format_duration(*b));
    }
  }

  void run_checks(Values& v) {
    for (const auto& c : schema_.checks()) {
      Reporter r(v);
      try {
        c(v, r);
      } catch (const detail::InvalidKey&) {
        continue;  // reads a key that already has its own error
      }
      for (const auto& d : r.diagnostics()) sink.out.push_back(d);
    }
  }

  const Schema& schema_;
  const LoadOptions& opt_;
  std::map<std::string, Given> given_;
  std::map<std::string, Given> shadowed_;  // file values replaced by a --set
  std::vector<ItemOverride> items_;
  Location set_at_{"--set", 0, 0};  // where the override being applied was written
  Origin set_origin_{"--set", false};
};

// Stable order for the report: the file's problems by position, then the --set ones.
void sort_diagnostics(std::vector<Diagnostic>& ds, const std::string& source) {
  std::stable_sort(ds.begin(), ds.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    const bool fa = a.file == source, fb = b.file == source;
    if (fa != fb) return fa;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
  });
}

}  // namespace

Values load_text(const std::string& text, std::string source, const std::vector<std::string>& overrides,
                 const Schema& schema, const LoadOptions& options) {
  auto shared = std::make_shared<const Schema>(schema);
  Values v(shared, source);
  Loader loader(*shared, options);
  const auto root = detail::parse_document(text, source, loader.sink);
  if (root && root->IsMap()) loader.walk(*root, "", Origin{source, true}, v);
  for (const auto& o : overrides) loader.override_with(o);
  for (const auto& o : options.point_overrides) loader.override_at(o);
  if (root) loader.resolve(v);  // an unreadable file gets no "missing key" noise
  if (!loader.sink.out.empty()) {
    sort_diagnostics(loader.sink.out, source);
    throw InputError(std::move(loader.sink.out));
  }
  return v;
}

Values load_text(const std::string& text, std::string source, const std::vector<std::string>& overrides,
                 const Schema& schema) {
  return load_text(text, std::move(source), overrides, schema, LoadOptions{});
}

std::string read_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError({Diagnostic{file, 0, 0, "", std::string("cannot read the file: ") + std::strerror(errno)}});
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError({Diagnostic{file, 0, 0, "", "cannot read the file"}});
  return ss.str();
}

Values load(const std::string& file, const std::vector<std::string>& overrides, const Schema& schema) {
  return load_text(read_file(file), file, overrides, schema);
}

}  // namespace stampede::config
