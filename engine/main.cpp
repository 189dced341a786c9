// The `stampede` command: run | validate | report | merge | list (engine.md "Command line").
#include "engine/cli/cli.hpp"
#include "engine/protocols/builtin.hpp"

int main(int argc, char** argv) { return stampede::cli_main(argc, argv, stampede::builtin_protocols()); }
