// End-to-end throughput of each shipped protocol (issues: agent-steps per second for
// configs/<protocol>.yaml at 10^4, 10^5 and 10^6 agents, 1 and 2 threads). The scenario's own
// file with a 3-day horizon and 2 paths per thread, so a measurement is whole paths (start-up
// included) and stays short.
#include <benchmark/benchmark.h>

#include <string>

#include "engine/driver/driver.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/protocols/builtin.hpp"

#ifndef STAMPEDE_SOURCE_DIR
#define STAMPEDE_SOURCE_DIR "."
#endif

namespace {

using namespace stampede;

void end_to_end(benchmark::State& state, const std::string& protocol) {
  const std::int64_t agents = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  const Scenario sc = load_scenario(std::string(STAMPEDE_SOURCE_DIR) + "/configs/" + protocol + ".yaml",
                                    {"agents.count=" + std::to_string(agents), "horizon=3d"}, builtin_protocols());
  auto model = builtin_protocols().find(protocol)->build(sc, ModelOptions{});
  const RunShape shape = run_shape(sc);
  DriverOptions opt;
  opt.threads = threads;
  for (int p = 0; p < 2 * threads; ++p) opt.path_ids.push_back(static_cast<std::uint64_t>(p));
  double agent_steps = 0;
  for (auto _ : state) {
    auto r = run_paths(*model, shape, opt);
    benchmark::DoNotOptimize(r.paths.data());
    agent_steps += static_cast<double>(agents) * static_cast<double>(shape.n_steps) * static_cast<double>(opt.path_ids.size());
  }
  state.counters["agent_steps_per_s"] = benchmark::Counter(agent_steps, benchmark::Counter::kIsRate);
  state.counters["bytes_per_agent"] = static_cast<double>(model->bytes_per_agent());
}

}  // namespace

int main(int argc, char** argv) {
  for (const auto& p : builtin_protocols().all()) {
    benchmark::RegisterBenchmark(("BM_end_to_end/" + p.name).c_str(), end_to_end, p.name)
        ->ArgNames({"agents", "threads"})
        ->ArgsProduct({{10'000, 100'000, 1'000'000}, {1, 2}})
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
