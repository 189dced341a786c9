#pragma once
// What a protocol reports (framework: "a declaration ... of its outputs: series (name, unit),
// finals, events (name, definition text)"): the engine builds the result file's schema, the
// records and the finals from it. Names are the HDF5 names of the protocol spec's §8.
#include <string_view>
#include <vector>

#include "engine/output/run_data.hpp"

namespace stampede::framework {

struct OutputItem {
  std::string_view name;
  std::string_view doc;     // unit or definition, for docs and `stampede list`
  Tail tail = Tail::none;   // a final's bad tail, for its VaR and expected shortfall
};

struct OutputDecl {
  std::vector<OutputItem> series;  // recorded every record period
  std::vector<OutputItem> finals;  // per-path final metrics
  std::vector<OutputItem> events;  // risk events: the first step at which each occurred
  bool series_are_finals = false;  // every series' value at the horizon is also a final (before `finals`)

  std::size_t n_finals() const { return (series_are_finals ? series.size() : 0) + finals.size(); }

  OutputSchema schema() const {
    OutputSchema s;
    for (const auto& x : series) s.series.emplace_back(x.name);
    if (series_are_finals)
      for (const auto& x : series) {
        s.finals.emplace_back(x.name);
        s.final_tails.push_back(x.tail);
      }
    for (const auto& x : finals) {
      s.finals.emplace_back(x.name);
      s.final_tails.push_back(x.tail);
    }
    for (const auto& x : events) s.events.emplace_back(x.name);
    return s;
  }
};

}  // namespace stampede::framework
