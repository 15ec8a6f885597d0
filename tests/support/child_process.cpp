#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "grid/common/error.hpp"
#include "test_env.hpp"

extern char** environ;

namespace grid::test {

ChildProcess::ChildProcess(std::vector<std::string> argv, std::filesystem::path output_file)
    : output_file_(std::move(output_file)) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output_file_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw Error("starting " + argv[0] + ": " + std::strerror(rc));
}

ChildProcess::~ChildProcess() {
  if (exit_status_) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

void ChildProcess::signal(int signum) const {
  if (!exit_status_) ::kill(pid_, signum);
}

std::optional<int> ChildProcess::wait_exit(std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!exit_status_) {
    int status = 0;
    pid_t rc = ::waitpid(pid_, &status, WNOHANG);
    if (rc == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

std::string ChildProcess::output() const {
  std::ifstream in(output_file_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ChildProcess::wait_for_output(const std::regex& pattern,
                                          std::chrono::milliseconds deadline) {
  std::smatch match;
  std::string text;
  const bool found = wait_for(
      [&] {
        text = output();
        return std::regex_search(text, match, pattern);
      },
      deadline);
  if (!found) throw Error("process did not log the expected line; output:\n" + text);
  return match[1];
}

std::filesystem::path binary(const std::string& name) {
  const char* dir = std::getenv("GRID_BINARY_DIR");
  if (dir == nullptr) throw Error("GRID_BINARY_DIR is not set (run the tests through ctest)");
  return std::filesystem::path(dir) / "cmd" / name / name;
}

bool process_alive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return false;
  auto state_at = text.rfind(')');
  return state_at != std::string::npos && state_at + 2 < text.size() && text[state_at + 2] != 'Z';
}

}  // namespace grid::test
