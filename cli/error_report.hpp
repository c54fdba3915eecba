// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <exception>
#include <functional>
#include <string>

#include "fstack/error.hpp"

namespace fstack::cli {

// "fstack: error: <file>: frame <n>: <reason>", leaving out the parts the error lacks. The frame
// is counted from 1, as a photographer counts the shots of a stack.
std::string describe(const Error& error);

// What run_guarded() makes of an exception: the message it prints after "fstack: error: "
// (empty for an interruption, which prints "fstack: interrupted"), and the exit code.
struct Failure {
    std::string message;
    int exit_code = 1;
    ErrorKind kind = ErrorKind::Internal;
};
Failure describe_failure(const std::exception_ptr& failure);

// Runs a command and turns whatever it throws into a message on stderr and an exit code (see
// exit_codes.hpp). Temporary files of interrupted writes are removed on every exit path.
int run_guarded(const std::function<int()>& command);

}  // namespace fstack::cli
