// SPDX-License-Identifier: GPL-3.0-or-later
#include "interrupt.hpp"

#include <atomic>
#include <csignal>

namespace fstack::cli {
namespace {

// Lock-free atomics are the only shared state a signal handler may touch.
std::atomic<int> g_signals{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int sig) {
    if (g_signals.fetch_add(1) >= 1) {
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}

}  // namespace

void install_interrupt_handler() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    // Restart interrupted reads and writes: the flag is polled, nothing needs EINTR.
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    // A closed terminal or ssh session: the same clean end (temporaries and .ora.d scratch
    // folders removed). Under nohup SIGHUP is ignored, and stays so.
    struct sigaction previous {};
    if (sigaction(SIGHUP, nullptr, &previous) == 0 && previous.sa_handler != SIG_IGN) sigaction(SIGHUP, &action, nullptr);
    // Progress piped into `head` or a closed log viewer must not kill a long stack halfway.
    std::signal(SIGPIPE, SIG_IGN);
}

bool interrupted() { return g_signals.load() > 0; }

}  // namespace fstack::cli
