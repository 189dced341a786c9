// End-to-end throughput of each shipped protocol (performance.md): agent-steps per second for
// configs/<protocol>.yaml at 10^4, 10^5 and 10^6 agents on 1 and 2 threads, and the bytes of
// STREAM-style triad traffic per agent-step (the triad measured by this binary in this run,
// divided by the agent-steps per second): a ratio that stays comparable on a noisy machine.
//   BM_run/<protocol>    whole paths (start-up included), 2 paths per thread, a 30-day horizon;
//   BM_steps/<protocol>  the step loop alone on one path, started outside the timed region.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "engine/driver/driver.hpp"
#include "engine/driver/scenario_loader.hpp"
#include "engine/protocols/builtin.hpp"
#include "triad.hpp"

#ifndef STAMPEDE_SOURCE_DIR
#define STAMPEDE_SOURCE_DIR "."
#endif

namespace {

using namespace stampede;

Scenario scenario(const std::string& protocol, std::int64_t agents) {
  return load_scenario(std::string(STAMPEDE_SOURCE_DIR) + "/configs/" + protocol + ".yaml",
                       {"agents.count=" + std::to_string(agents), "horizon=30d"}, builtin_protocols());
}

// Counters: agent-steps per second; triad bytes per agent-step (triad bytes/s ÷ agent-steps/s,
// both over this benchmark's wall time and this binary's triad); and "ratio_to_triad", the same
// figure as a rate that CI's ratio check compares with the baseline: 100 B per agent-step ÷ the
// triad bytes per agent-step (1.0 = one agent-step per 100 bytes of triad traffic; higher is faster).
// The triad is measured on as many threads as the benchmark runs paths on.
void report(benchmark::State& state, double agent_steps, const Model& model, int threads) {
  const double triad = bench::triad_bytes_per_second(threads);
  state.counters["agent_steps_per_s"] = benchmark::Counter(agent_steps, benchmark::Counter::kIsRate);
  state.counters["ratio_to_triad"] = benchmark::Counter(agent_steps * 100.0 / triad, benchmark::Counter::kIsRate);
  // triad bytes/s ÷ agent-steps/s, both rates over the same wall time
  state.counters["triad_bytes_per_agent_step"] =
      benchmark::Counter(agent_steps / triad, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["triad_GBps"] = triad / 1e9;
  state.counters["bytes_per_agent"] = static_cast<double>(model.bytes_per_agent());
}

void run(benchmark::State& state, const std::string& protocol) {
  const std::int64_t agents = state.range(0);
  const int threads = static_cast<int>(state.range(1));
  bench::triad_bytes_per_second(threads);
  const Scenario sc = scenario(protocol, agents);
  auto model = builtin_protocols().find(protocol)->build(sc, ModelOptions{});
  const RunShape shape = run_shape(sc);
  DriverOptions opt;
  opt.threads = threads;
  for (int p = 0; p < 2 * threads; ++p) opt.path_ids.push_back(static_cast<std::uint64_t>(p));
  double agent_steps = 0;
  for (auto _ : state) {
    auto r = run_paths(*model, shape, opt);
    benchmark::DoNotOptimize(r.paths.size());
    agent_steps += static_cast<double>(agents) * static_cast<double>(shape.n_steps) * static_cast<double>(opt.path_ids.size());
  }
  report(state, agent_steps, *model, threads);
}

void steps(benchmark::State& state, const std::string& protocol) {
  const std::int64_t agents = state.range(0);
  bench::triad_bytes_per_second();
  const Scenario sc = scenario(protocol, agents);
  auto model = builtin_protocols().find(protocol)->build(sc, ModelOptions{});
  const RunShape shape = run_shape(sc);
  PathRecorder rec(model->schema(), shape.n_records());
  std::unique_ptr<PathSimulation> path;
  std::int64_t t = shape.n_steps;
  double agent_steps = 0;
  for (auto _ : state) {
    if (t == shape.n_steps) {  // a fresh path when the horizon is reached (outside the timing)
      state.PauseTiming();
      path = model->start_path(0);
      t = 0;
      state.ResumeTiming();
    }
    path->step(t++, rec);
    agent_steps += static_cast<double>(agents);
  }
  report(state, agent_steps, *model, 1);
}

}  // namespace

int main(int argc, char** argv) {
  for (const auto& p : builtin_protocols().all()) {
    benchmark::RegisterBenchmark(("BM_run/" + p.name).c_str(), run, p.name)
        ->ArgNames({"agents", "threads"})
        ->ArgsProduct({{10'000, 100'000, 1'000'000}, {1, 2}})
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("BM_steps/" + p.name).c_str(), steps, p.name)
        ->ArgNames({"agents"})
        ->Args({10'000})
        ->Args({100'000})
        ->Args({1'000'000})
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_triad", bench::BM_triad)->Arg(static_cast<std::int64_t>(bench::kTriadElements))->UseRealTime();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
