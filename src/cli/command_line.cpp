#include "grid/cli/command_line.hpp"

#include <CLI/CLI.hpp>

#include "grid/common/error.hpp"

namespace grid::cli {
namespace {

// The shared option of the list/get commands; `text` receives the raw value.
void add_output_option(CLI::App* command, std::string& text) {
  command->add_option("-o,--output", text, "output format: json, yaml or table")
      ->check(CLI::IsMember({"json", "yaml", "table"}));
}

// A command taking one <id> argument.
CLI::App* add_id_command(CLI::App* parent, const std::string& name, const std::string& description,
                         std::string& id) {
  auto* command = parent->add_subcommand(name, description);
  command->add_option("id", id, "identifier")->required();
  return command;
}

}  // namespace

std::optional<Invocation> parse_command_line(const std::vector<std::string>& args,
                                             std::ostream& out) {
  Invocation invocation;
  CLI::App app{"gridc: the command-line client of a GRID controller", "gridc"};
  app.add_option("-a,--api", invocation.api, "controller base URL")
      ->envname("GRID_API")
      ->capture_default_str();
  app.add_flag("-d,--debug", invocation.debug, "debug logging");
  app.add_option("--token", invocation.token, "API bearer token")->envname("GRID_TOKEN");
  app.add_option("--ca", invocation.ca, "CA certificate (PEM) to verify an https controller")
      ->envname("GRID_CA");
  app.require_subcommand(1);

  auto* job = app.add_subcommand("job", "submit, inspect and cancel jobs")->require_subcommand(1);
  auto* node = app.add_subcommand("node", "inspect worker nodes")->require_subcommand(1);
  auto* status = app.add_subcommand("status", "cluster status (GET /status)");
  job->fallthrough();
  node->fallthrough();

  std::string target;
  auto* run = job->add_subcommand("run", "submit a job (POST /job)");
  run->add_option("args", invocation.run.positionals, "<backend> <action> [<key=value>...]");
  auto* target_option =
      run->add_option("-t,--target", target, "all, group:<name> or node:<id> (default all)");
  run->add_option("-f,--file", invocation.run.file, "YAML job file");
  run->add_option("-s,--strategy", invocation.run.strategy,
                  "fail-fast or continue (default: the file's, else fail-fast)");
  run->add_option("--timeout", invocation.run.timeout, "whole-job timeout, e.g. 30m");
  run->add_flag("-w,--wait", invocation.wait,
                "wait until the job ends; exit 1 unless it completed");

  std::string output;
  auto* get = add_id_command(job, "get", "show a job (GET /job/<id>)", invocation.id);
  auto* list = job->add_subcommand("list", "list jobs (GET /jobs)");
  auto* cancel =
      add_id_command(job, "cancel", "cancel a job (POST /job/<id>/cancel)", invocation.id);
  auto* nodes = node->add_subcommand("list", "list nodes (GET /nodes)");
  auto* info = add_id_command(node, "info", "show a node (GET /node/<id>)", invocation.id);
  for (auto* command : {get, list, nodes, info}) add_output_option(command, output);

  for (auto* command : {&app, job, node, status, run, get, list, cancel, nodes, info}) {
    command->fallthrough();
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      app.exit(e, out, out);
      return std::nullopt;
    }
    throw Error(e.what());
  }

  const std::pair<CLI::App*, Command> commands[] = {
      {run, Command::kJobRun},       {get, Command::kJobGet},     {list, Command::kJobList},
      {cancel, Command::kJobCancel}, {nodes, Command::kNodeList}, {info, Command::kNodeInfo},
      {status, Command::kStatus}};
  for (const auto& [command, kind] : commands) {
    if (command->parsed()) invocation.command = kind;
  }
  if (target_option->count() > 0) invocation.run.target = target;
  if (!output.empty()) invocation.output = parse_output_format(output);
  return invocation;
}

}  // namespace grid::cli
