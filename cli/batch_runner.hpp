// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "batch_progress.hpp"
#include "fstack/error.hpp"

namespace fstack::cli {

// What became of one stack of the batch.
struct StackOutcome {
    enum class State { NotRun, Written, Failed, Cancelled };
    State state = State::NotRun;
    ErrorKind kind = ErrorKind::Internal;  // of a failure
    std::string message;                   // of a failure
    double seconds = 0;
};

// Runs `work(i, progress)` for every i in [0, memory.size()), in order of i, on up to `jobs`
// threads, never starting one while the estimated memory of those running plus its own would
// pass `budget`; one always runs, however large, so that a big stack is slow, not refused.
// A stack that throws is recorded as failed and the others go on; cancellation (Ctrl-C) stops
// starting new stacks and lets the running ones unwind. `finished(i, outcome)`, if given, is
// called on the worker's thread as each stack ends (the --report line), before the next starts.
std::vector<StackOutcome> run_stacks(const std::vector<std::uint64_t>& memory, int jobs, std::uint64_t budget,
                                     const std::function<std::string(size_t, Progress&)>& work,
                                     const std::vector<std::string>& names, BatchProgress& progress,
                                     const std::function<void(size_t, const StackOutcome&)>& finished = {});

}  // namespace fstack::cli
