// SPDX-License-Identifier: GPL-3.0-or-later
#include "batch_progress.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>

#include "interrupt.hpp"
#include "terminal_bar.hpp"

namespace fstack::cli {
namespace {

// "label [#####-----] 3/10" for one line of the block.
std::string count_line(const std::string& label, int done, int total, int columns) {
    char counts_buf[48] = "";
    int percent = -1;
    if (total > 0) {
        done = std::clamp(done, 0, total);
        percent = static_cast<int>(100LL * done / total);
        std::snprintf(counts_buf, sizeof counts_buf, " %d/%d", done, total);
    }
    return bar_line(label, percent, counts_buf, columns, 30);
}

const char* prefix(LogLevel level) {
    return level == LogLevel::Warning ? "warning: " : level == LogLevel::Info ? "fstack: " : "debug: ";
}

}  // namespace

void BatchProgress::SlotProgress::log(LogLevel level, const std::string& message) {
    std::string name;
    {
        std::lock_guard<std::mutex> lock(batch_.mutex_);
        name = batch_.slots_[static_cast<size_t>(slot_)].name;
    }
    batch_.log(level, name.empty() ? message : name + ": " + message);
}

BatchProgress::BatchProgress(ProgressMode mode, bool verbose, int slots)
    : mode_(mode), verbose_(verbose), slots_(static_cast<size_t>(std::max(slots, 1))) {
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i)
        slot_progress_.push_back(std::make_unique<SlotProgress>(*this, i));
}

BatchProgress::~BatchProgress() { finish(); }

Progress& BatchProgress::slot_progress(int slot) { return *slot_progress_.at(static_cast<size_t>(slot)); }

void BatchProgress::begin(int total) {
    std::lock_guard<std::mutex> lock(mutex_);
    total_ = total;
    finished_ = failed_ = 0;
    draw();
}

void BatchProgress::stack_started(int slot, const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    slots_.at(static_cast<size_t>(slot)) = Slot{name, "", 0, 0, true};
    if (mode_ == ProgressMode::Lines && verbose_) std::fprintf(stderr, "%s: started\n", name.c_str());
    draw();
}

void BatchProgress::stack_stage(int slot, const std::string& stage, int total) {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slots_.at(static_cast<size_t>(slot));
    s.stage = stage;
    s.total = std::max(total, 0);
    s.done = 0;
    draw();
}

void BatchProgress::stack_step(int slot, int done) {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slots_.at(static_cast<size_t>(slot));
    s.done = done;
    if (mode_ == ProgressMode::Lines && verbose_)
        std::fprintf(stderr, "%s: %s: %d/%d\n", s.name.c_str(), s.stage.c_str(), s.done, s.total);
    // Several stacks of small frames step hundreds of times a second: redraw ten times a
    // second at most, which is all an eye (or a slow remote terminal) can follow.
    const auto now = std::chrono::steady_clock::now();
    if (now - last_draw_ < std::chrono::milliseconds(100)) return;
    draw();
}

void BatchProgress::stack_finished(int slot, const std::string& outcome, const std::string& detail) {
    std::lock_guard<std::mutex> lock(mutex_);
    Slot& s = slots_.at(static_cast<size_t>(slot));
    ++finished_;
    const bool ok = outcome == "written";
    if (!ok) ++failed_;
    if (mode_ != ProgressMode::Quiet) {
        clear();
        std::fprintf(stderr, "fstack: [%d/%d] %s: %s%s%s\n", finished_, total_, s.name.c_str(), outcome.c_str(),
                     detail.empty() ? "" : ": ", detail.c_str());
    }
    s = Slot{};
    draw();
}

void BatchProgress::log(LogLevel level, const std::string& message) {
    if (mode_ == ProgressMode::Quiet || (level == LogLevel::Debug && !verbose_)) return;
    std::lock_guard<std::mutex> lock(mutex_);
    clear();
    std::fprintf(stderr, "%s%s\n", prefix(level), message.c_str());
    draw();
}

bool BatchProgress::cancelled() { return interrupted(); }

void BatchProgress::finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    clear();
    std::fflush(stderr);
}

void BatchProgress::clear() {
    if (lines_drawn_ == 0) return;
    // The cursor sits at the end of the block's last line: wipe upwards to its first line.
    std::fputs("\r\x1b[K", stderr);
    for (int i = 1; i < lines_drawn_; ++i) std::fputs("\x1b[1A\r\x1b[K", stderr);
    lines_drawn_ = 0;
}

void BatchProgress::draw() {
    if (mode_ != ProgressMode::Bar) return;
    clear();
    const int columns = terminal_columns();
    const std::string label = failed_ > 0 ? "batch (" + std::to_string(failed_) + " failed)" : "batch";
    std::string block = count_line(label, finished_, total_, columns);
    int lines = 1;
    for (const Slot& s : slots_) {
        if (!s.busy) continue;
        block += "\n" + count_line("  " + s.name + (s.stage.empty() ? "" : ": " + s.stage), s.done, s.total, columns);
        ++lines;
    }
    std::fputs(block.c_str(), stderr);
    std::fflush(stderr);
    lines_drawn_ = lines;
    last_draw_ = std::chrono::steady_clock::now();
}

}  // namespace fstack::cli
