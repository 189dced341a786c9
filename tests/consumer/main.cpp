// The consumer of an installed stampede (tests/consumer/CMakeLists.txt): lists the protocols of
// the registry, loads a scenario, runs its first path with the engine's driver and prints the
// summary as JSON (read back with nlohmann/json, which stampede::engine brings along).
// Usage: app SCENARIO.yaml   (exit status 0 when everything worked)
#include <cstdint>
#include <exception>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "engine/driver/driver.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/output/summary.hpp"
#include "engine/protocols/builtin.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: app SCENARIO.yaml\n";
    return 2;
  }
  try {
    const stampede::ProtocolRegistry& registry = stampede::builtin_protocols();
    std::cout << "protocols:";
    for (const stampede::Protocol& p : registry.all()) std::cout << " " << p.name;
    std::cout << "\n";
    if (registry.all().empty()) throw std::runtime_error("the registry has no protocol");

    const stampede::Scenario scenario = stampede::load_scenario(argv[1], {}, registry);
    const stampede::Protocol* protocol = registry.find(scenario.protocol);
    if (!protocol) throw std::runtime_error("unknown protocol " + scenario.protocol);
    std::cout << "scenario " << scenario.name << " (" << scenario.protocol << "), config sha256 "
              << scenario.config_sha256 << "\n";
    const auto model = protocol->build(scenario, stampede::ModelOptions{});
    const stampede::RunShape shape = stampede::run_shape(scenario);

    stampede::DriverOptions options;
    options.threads = 1;
    options.path_ids = {0};  // one path
    options.store_paths = 0;
    stampede::DriverResult result = stampede::run_paths(*model, shape, options);
    if (result.paths.size() != 1) throw std::runtime_error("expected one path");

    stampede::RunData data;
    data.meta.scenario = scenario.name;
    data.meta.protocol = scenario.protocol;
    data.meta.shard = "consumer";
    data.meta.seed = scenario.seed;
    data.meta.n_paths = 1;
    data.meta.dt_seconds = shape.dt_seconds;
    data.schema = model->schema();
    for (std::int64_t k = 0; k < shape.n_records(); ++k)
      data.time.push_back(static_cast<double>(k * shape.record_every_steps * shape.dt_seconds));
    data.paths = std::move(result.paths);
    data.bands = std::move(result.bands);
    const std::string json = stampede::summary_json(stampede::summarize(data), data.meta);
    std::cout << json;

    const auto parsed = nlohmann::json::parse(json);
    if (parsed.at("paths_held") != 1 || parsed.at("scenario") != scenario.name)
      throw std::runtime_error("the summary JSON does not describe the run");
    std::cout << "consumer: ran 1 path of " << scenario.name << ", " << data.schema.finals.size() << " finals, "
              << data.schema.events.size() << " events\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "consumer: " << e.what() << "\n";
    return 1;
  }
}
