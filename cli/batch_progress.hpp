// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fstack/progress.hpp"
#include "progress_bar.hpp"

namespace fstack::cli {

// The progress of `fstack batch` on stderr, fed by several worker threads at once: on a
// terminal a block of lines, the batch's bar on top and one bar per running stack below it;
// elsewhere one plain line per finished stack (and per frame with --verbose), easy to follow
// in a Slurm or Kubernetes log. Messages print above the block. All methods are thread-safe.
class BatchProgress {
public:
    BatchProgress(ProgressMode mode, bool verbose, int slots);
    ~BatchProgress();
    BatchProgress(const BatchProgress&) = delete;
    BatchProgress& operator=(const BatchProgress&) = delete;

    // `total` stacks are to be stacked in this run.
    void begin(int total);
    void stack_started(int slot, const std::string& name);
    void stack_stage(int slot, const std::string& stage, int total);
    void stack_step(int slot, int done);
    // The stack in `slot` ended; `outcome` is a short word ("written", "FAILED", ...).
    void stack_finished(int slot, const std::string& outcome, const std::string& detail);
    void log(LogLevel level, const std::string& message);
    bool cancelled();
    // Removes the block; what follows starts on a fresh line.
    void finish();

    // A Progress for the stack running in `slot`, to hand to core/.
    Progress& slot_progress(int slot);

private:
    struct Slot {
        std::string name, stage;
        int total = 0, done = 0;
        bool busy = false;
    };
    class SlotProgress : public Progress {
    public:
        SlotProgress(BatchProgress& batch, int slot) : batch_(batch), slot_(slot) {}
        void stage(const std::string& name, int total) override { batch_.stack_stage(slot_, name, total); }
        void step(int done) override { batch_.stack_step(slot_, done); }
        void log(LogLevel level, const std::string& message) override;
        bool cancelled() override { return batch_.cancelled(); }

    private:
        BatchProgress& batch_;
        int slot_;
    };

    void draw();   // mutex held
    void clear();  // mutex held

    std::mutex mutex_;
    ProgressMode mode_;
    bool verbose_;
    std::vector<Slot> slots_;
    std::vector<std::unique_ptr<SlotProgress>> slot_progress_;
    int total_ = 0, finished_ = 0, failed_ = 0;
    int lines_drawn_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace fstack::cli
