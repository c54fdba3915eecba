// SPDX-License-Identifier: GPL-3.0-or-later
#include "batch_runner.hpp"

#include <malloc.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <new>
#include <algorithm>
#include <system_error>
#include <thread>

#include <opencv2/core.hpp>

#include "fstack/threads.hpp"

namespace fstack::cli {
namespace {

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

// Gives the memory of a finished stack back to the system. tune_allocator() keeps freed
// buffers for reuse, which is right within a stack, but each worker thread has its own malloc
// arena: a stack run by thread B cannot reuse what thread A's stack freed, and the process would
// hold the peak of every thread's last stack, not of those running, and pass --max-memory
// (measured: 416 MiB for one 276 MiB stack at a time on two threads). Once per stack it costs
// the page faults of one frame's buffers.
void release_free_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

// Runs one stack and turns whatever it throws into its outcome: a failure belongs to its stack.
StackOutcome run_one(size_t i, Progress& progress, const std::function<std::string(size_t, Progress&)>& work,
                     std::string& written) {
    StackOutcome out;
    const auto start = std::chrono::steady_clock::now();
    try {
        written = work(i, progress);
        out.state = StackOutcome::State::Written;
    } catch (const Error& e) {
        out.state = e.kind() == ErrorKind::Cancelled ? StackOutcome::State::Cancelled : StackOutcome::State::Failed;
        out.kind = e.kind();
        out.message = e.what();
    } catch (const cv::Exception& e) {
        out.state = StackOutcome::State::Failed;
        out.message = "OpenCV: " + e.msg;
    } catch (const std::bad_alloc&) {
        out.state = StackOutcome::State::Failed;
        out.message = "out of memory (lower --jobs or --max-memory)";
    } catch (const std::exception& e) {
        out.state = StackOutcome::State::Failed;
        out.message = e.what();
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

}  // namespace

std::vector<StackOutcome> run_stacks(const std::vector<std::uint64_t>& memory, int jobs, std::uint64_t budget,
                                     const std::function<std::string(size_t, Progress&)>& work,
                                     const std::vector<std::string>& names, BatchProgress& progress,
                                     const std::function<void(size_t, const StackOutcome&)>& finished) {
    const size_t n = memory.size();
    std::vector<StackOutcome> outcomes(n);
    std::mutex mutex;
    std::condition_variable changed;
    size_t next = 0;
    std::uint64_t in_use = 0;
    int running = 0;

    // The stacks at once share the threads (--threads): -j 2 of 8 cores gives each stack 4.
    const int share = std::max(1, fstack::threads() / static_cast<int>(std::min<size_t>(std::max(jobs, 1), n)));
    const auto worker = [&](int slot) {
        const ScopedThreads threads_of_this_stack(share);
        for (;;) {
            size_t i = 0;
            {
                std::unique_lock<std::mutex> lock(mutex);
                changed.wait(lock, [&] {
                    return next == n || progress.cancelled() || running == 0 || in_use + memory[next] <= budget;
                });
                if (next == n || progress.cancelled()) return;
                i = next++;
                in_use += memory[i];
                ++running;
            }
            progress.stack_started(slot, names[i]);
            std::string written;
            outcomes[i] = run_one(i, progress.slot_progress(slot), work, written);
            const StackOutcome& o = outcomes[i];
            if (o.state == StackOutcome::State::Written)
                progress.stack_finished(slot, "written", written + " (" + seconds_text(o.seconds) + ")");
            else if (o.state == StackOutcome::State::Cancelled)
                progress.stack_finished(slot, "interrupted", "");
            else
                progress.stack_finished(slot, "FAILED", o.message);
            if (finished) finished(i, o);
            release_free_memory();
            {
                std::lock_guard<std::mutex> lock(mutex);
                in_use -= memory[i];
                --running;
            }
            changed.notify_all();
        }
    };

    const int threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(jobs, 1)), n));
    if (threads <= 1) {
        worker(0);
        return outcomes;
    }
    // Where the system gives fewer threads than asked (ulimit -v or -u on a cluster node), the
    // batch runs on half of those it got, at most one per core (the others end at once, giving
    // their stacks' address space back for the stacking), or on this thread: never an abort
    // with no summary.
    bool started = false, go = false;
    int allowed = threads;
    const auto gated = [&](int slot) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait(lock, [&] { return started; });
            if (slot >= allowed) return;
            changed.wait(lock, [&] { return go; });  // once the others have given their memory back
        }
        worker(slot);
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        try {
            pool.emplace_back(gated, t);
        } catch (const std::system_error& e) {
            allowed = std::max(1, std::min(static_cast<int>(pool.size()) / 2,
                                           fstack::threads()));
            progress.log(LogLevel::Warning, "could start only " + std::to_string(pool.size()) + " of " +
                                                std::to_string(threads) + " threads (" + e.what() + "): running " +
                                                std::to_string(allowed) + " stack(s) at once; lower --jobs");
            break;
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        started = true;
    }
    changed.notify_all();
    for (size_t t = static_cast<size_t>(allowed); t < pool.size(); ++t) pool[t].join();
    {
        std::lock_guard<std::mutex> lock(mutex);
        go = true;
    }
    changed.notify_all();
    if (pool.empty()) worker(0);
    for (size_t t = 0; t < std::min(pool.size(), static_cast<size_t>(allowed)); ++t) pool[t].join();
    return outcomes;
}

}  // namespace fstack::cli
