// SPDX-License-Identifier: GPL-3.0-or-later
#include "child_process.hpp"

#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <system_error>

namespace fstack::bench {
namespace {

void write_all(int fd, const void* data, size_t size) {
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the parent reports the short read
        p += n;
        size -= size_t(n);
    }
}

size_t read_all(int fd, void* data, size_t size) {
    char* p = static_cast<char*>(data);
    size_t got = 0;
    while (got < size) {
        const ssize_t n = ::read(fd, p + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += size_t(n);
    }
    return got;
}

}  // namespace

ChildOutcome run_in_child(const std::function<Payload()>& body) {
    // Buffered output would otherwise be printed by both processes.
    std::fflush(stdout);
    std::fflush(stderr);
    int fds[2];
    if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        ::close(fds[0]);
        Payload p;
        try {
            p = body();
            p.ok = true;
        } catch (const std::exception& e) {
            p = Payload{};
            std::snprintf(p.message, sizeof p.message, "%s", e.what());
        } catch (...) {
            p = Payload{};
            std::snprintf(p.message, sizeof p.message, "unknown exception");
        }
        write_all(fds[1], &p, sizeof p);
        std::fflush(stdout);
        std::fflush(stderr);
        ::_exit(p.ok ? 0 : 1);  // no atexit handlers or static destructors of the parent's state
    }
    ::close(fds[1]);
    ChildOutcome out;
    const size_t got = read_all(fds[0], &out.payload, sizeof out.payload);
    ::close(fds[0]);
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.peak_rss_mib = double(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
    if (got != sizeof out.payload) {
        out.error = WIFSIGNALED(status)
                        ? "child killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
                              strsignal(WTERMSIG(status)) + ")"
                        : "child exited with status " + std::to_string(WEXITSTATUS(status)) +
                              " without a result";
    } else if (!out.payload.ok) {
        out.error = out.payload.message;
    }
    return out;
}

ChildOutcome run_program(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (pid == 0) {
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    ChildOutcome out;
    out.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.peak_rss_mib = double(usage.ru_maxrss) / 1024.0;
    out.payload.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (WIFSIGNALED(status))
        out.error = args[0] + " killed by signal " + std::to_string(WTERMSIG(status));
    else if (!out.payload.ok)
        out.error = args[0] + " exited with status " + std::to_string(WEXITSTATUS(status));
    return out;
}

}  // namespace fstack::bench
