// The driver's own cost per step (issue: "an empty step loop over 10^6 steps reports ns/step"):
// a model whose step does nothing observable, run through run_paths exactly as a protocol is.
#include <benchmark/benchmark.h>

#include "engine/driver/driver.hpp"

namespace {

using namespace stampede;

class EmptyPath final : public PathSimulation {
 public:
  void step(std::int64_t t, PathRecorder&) override { benchmark::DoNotOptimize(t); }
  void record(std::int64_t r, PathRecorder& rec) override { rec.record(0, r, static_cast<double>(r)); }
  void finish(PathRecorder& rec) override { rec.set_final(0, 1.0); }
};

class EmptyModel final : public Model {
 public:
  EmptyModel() {
    schema_.finals = {"one"};
    schema_.series = {"record"};
  }
  const OutputSchema& schema() const override { return schema_; }
  std::int64_t agents_per_path() const override { return 1; }
  std::size_t bytes_per_agent() const override { return 0; }
  std::unique_ptr<PathSimulation> start_path(std::uint64_t) const override { return std::make_unique<EmptyPath>(); }

 private:
  OutputSchema schema_;
};

void BM_driver_empty_steps(benchmark::State& state) {
  EmptyModel model;
  RunShape shape;
  shape.n_steps = state.range(0);
  shape.record_every_steps = 24;  // hourly steps recorded daily, as a typical scenario
  DriverOptions opt;
  opt.threads = 1;
  opt.path_ids = {0};
  for (auto _ : state) {
    auto r = run_paths(model, shape, opt);
    benchmark::DoNotOptimize(r.paths.size());
  }
  // time / (steps·1e-9) = nanoseconds per step.
  state.counters["ns_per_step"] = benchmark::Counter(static_cast<double>(state.iterations() * shape.n_steps) * 1e-9,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_driver_empty_steps)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
