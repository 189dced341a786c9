#include "engine/cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "engine/cli/commands.hpp"
#include "engine/core/errors.hpp"

namespace stampede {

int cli_main(int argc, char** argv, const ProtocolRegistry& protocols) {
  CLI::App app{"stampede: Monte Carlo agent-based stress engine for token protocols"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "Run a scenario: summary on stdout, results to an HDF5 file");
  run_cmd->add_option("config", run.config, "Scenario YAML file")->required();
  run_cmd->add_option("-o,--output", run.output, "Result file (default: <scenario>.h5)");
  run_cmd->add_option("--paths", run.paths, "Override `paths`");
  run_cmd->add_option("--seed", run.seed, "Override `seed`");
  run_cmd->add_option("--threads", run.threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 4096));
  run_cmd->add_option("--shard", run.shard, "Run only shard k of N (k/N): a contiguous block of paths");
  run_cmd->add_option("--set", run.sets, "Override a key: key.path=value (repeatable)");
  run_cmd->add_flag("--resume", run.resume, "Continue an interrupted run from its checkpoint");
  run_cmd->add_flag("--check", run.check, "Verify conservation invariants at every step");
  run_cmd->add_flag("--quiet", run.quiet, "No progress or memory report on stderr");
  run_cmd->add_flag("--json", run.json, "Print the summary as JSON");

  std::string validate_file;
  std::vector<std::string> validate_sets;
  auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file without running it");
  validate_cmd->add_option("config", validate_file, "Scenario YAML file")->required();
  validate_cmd->add_option("--set", validate_sets, "Override a key: key.path=value (repeatable)");

  std::string report_file;
  bool report_json = false;
  auto* report_cmd = app.add_subcommand("report", "Print the summary of a result file");
  report_cmd->add_option("file", report_file, "Result file (.h5)")->required();
  report_cmd->add_flag("--json", report_json, "Print the summary as JSON");

  std::vector<std::string> merge_inputs;
  std::string merge_output;
  auto* merge_cmd = app.add_subcommand("merge", "Combine shard result files into one");
  merge_cmd->add_option("inputs", merge_inputs, "Shard result files")->required()->expected(1, -1);
  merge_cmd->add_option("-o,--output", merge_output, "Merged result file")->required();

  std::string list_protocol;
  auto* list_cmd = app.add_subcommand("list", "List protocols and their parameters, defaults and units");
  list_cmd->add_option("protocol", list_protocol, "Only this protocol");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "stampede: " << e.what() << "\n(run `stampede --help` for usage)\n";
    return kExitBadInput;
  }

  try {
    if (*run_cmd) return command_run(run, protocols);
    if (*validate_cmd) return command_validate(validate_file, validate_sets, protocols);
    if (*report_cmd) return command_report(report_file, report_json);
    if (*merge_cmd) return command_merge(merge_inputs, merge_output);
    if (*list_cmd) return command_list(list_protocol, protocols);
  } catch (const InputError& e) {
    std::cerr << "stampede: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const RuntimeFailure& e) {
    std::cerr << "stampede: runtime failure: " << e.what() << "\n";
    return kExitRuntime;
  } catch (const std::bad_alloc&) {
    std::cerr << "stampede: runtime failure: out of memory (lower agents.count, paths in flight "
                 "(--threads) or the population)\n";
    return kExitRuntime;
  } catch (const std::exception& e) {
    std::cerr << "stampede: runtime failure: " << e.what() << "\n";
    return kExitRuntime;
  }
  return kExitBadInput;
}

}  // namespace stampede
