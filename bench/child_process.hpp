// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// Runs one benchmark step in a forked child, so that its peak memory is its own (ru_maxrss of
// the child, from wait4) and nothing it allocates lingers into the next step.
//
// The parent must stay small and single-threaded: a forked child starts with the parent's
// resident pages counted in its RSS, and only the forking thread survives a fork. So the parent
// never touches pixels or OpenCV's thread pool; every step, rendering included, runs in a child.
#include <functional>
#include <string>
#include <vector>

namespace fstack::bench {

// What a child sends back through a pipe: a few numbers, or an error message.
struct Payload {
    bool ok = false;
    double value[12] = {};
    char message[512] = {};
};

struct ChildOutcome {
    Payload payload;
    double wall_s = 0;        // fork to exit, measured by the parent
    double peak_rss_mib = 0;  // the child's ru_maxrss
    std::string error;        // empty on success
};

// Runs `body` in a child process and waits for it. Exceptions in the child become `error`, as
// do crashes and signals.
ChildOutcome run_in_child(const std::function<Payload()>& body);

// Runs a program (argv[0] is its path) in a child process and waits for it: wall time and the
// peak RSS of that process alone. A non-zero exit status or a signal becomes `error`.
ChildOutcome run_program(const std::vector<std::string>& argv);

}  // namespace fstack::bench
