// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <list>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "fstack/stacker_registry.hpp"

namespace fstack::cli {

// The --stacker choice and the options of every stacker, made from the stackers' parameter
// tables (stacker_registry.hpp), shared by every subcommand that stacks (stack, layers, batch).
struct StackerOptions {
    // One per CLI flag of the tables. A flag that two stackers declare (--kernel-size: pyramid
    // and depthmap) is one option, checked against the chosen stacker's range.
    struct Flag {
        std::string flag;  // "--kernel-size"
        std::string key;   // "kernel_size"
        ParamKind kind = ParamKind::Int;
        std::vector<const StackerInfo*> stackers;
        std::string text;  // the value given (Int, Number, Choice)
        bool on = false;   // a Bool flag given
        CLI::Option* option = nullptr;
    };

    std::string stacker = stacker_registry().front().id;
    std::list<Flag> flags;  // a list: CLI11 keeps the values' addresses

    // Set by check_stacker_options: the chosen stacker and the values given for it.
    const StackerInfo* info = nullptr;
    ParamValues values;

    // The chosen stacker's value of `key`: given, else its default.
    double value(const std::string& key) const;
};

void add_stacker_options(CLI::App& app, StackerOptions& options);

// Refuses options of the stacker not chosen (they would silently do nothing) and values that
// the chosen stacker does not accept. Throws Error(Usage).
void check_stacker_options(StackerOptions& options);

std::unique_ptr<Stacker> make_stacker(const StackerOptions& options);

}  // namespace fstack::cli
