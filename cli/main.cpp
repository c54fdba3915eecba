// SPDX-License-Identifier: GPL-3.0-or-later
// fstack: the command-line front end. Each subcommand lives in its own cmd_*.cpp; this file
// only parses, dispatches and turns failures into exit codes.
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fstack/runtime.hpp"
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/core/version.hpp>

#include "command.hpp"
#include "error_report.hpp"
#include "exit_codes.hpp"
#include "interrupt.hpp"

namespace {

std::string version_text() {
    return std::string("fstack ") + FSTACK_VERSION + " (OpenCV " + CV_VERSION + ")\n"
           "License GPL-3.0-or-later: this is free software, without warranty.";
}

// CLI11 prints "Run with --help"; point at the help of the subcommand that was being parsed.
std::string failure_message(const CLI::App* app, const CLI::Error& e) {
    std::string help = "fstack --help";
    for (const CLI::App* sub : app->get_subcommands()) help = "fstack " + sub->get_name() + " --help";
    return std::string("fstack: error: ") + e.what() + "\nRun '" + help + "' for more information.\n";
}

// CLI11 reports a mistyped command as "A subcommand is required"; name it instead. The root
// command takes no option with a value, so its first non-option argument is the command.
bool check_command_name(int argc, char** argv, const std::vector<fstack::cli::Command>& commands) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.empty() || arg[0] == '-') continue;
        std::string names;
        for (const auto& c : commands) {
            if (c.app->get_name() == arg) return true;
            names += (names.empty() ? "" : ", ") + c.app->get_name();
        }
        std::fprintf(stderr, "fstack: error: unknown command '%s' (commands: %s)\n"
                             "Run 'fstack --help' for more information.\n", arg.c_str(), names.c_str());
        return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace fstack::cli;
    fstack::tune_allocator();  // before any worker thread exists (see runtime.hpp)
    CLI::App app("fstack: focus stacking for macro and landscape photographs.", "fstack");
    app.set_version_flag("--version", version_text);
    app.require_subcommand(1);
    app.failure_message(failure_message);
    app.footer("Run 'fstack COMMAND --help' for the options of a command.\n\n" + exit_codes_help());

    std::vector<Command> commands;
    commands.push_back(add_stack_command(app));
    commands.push_back(add_batch_command(app));
    commands.push_back(add_layers_command(app));
    commands.push_back(add_run_command(app));
    commands.push_back(add_noise_map_command(app));
    commands.push_back(add_info_command(app));

    if (!check_command_name(argc, argv, commands)) return kExitUsage;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version are "errors" with code 0; every real parse error is a usage error.
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitUsage;
    }

    // OpenCV logs its own failures on stderr, naming our temporary files; our errors say the
    // same in words a photographer understands, naming the file asked for.
    cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
    install_interrupt_handler();
    for (const Command& command : commands)
        if (command.app->parsed()) return run_guarded(command.run);
    return kExitUsage;  // unreachable: require_subcommand(1)
}
