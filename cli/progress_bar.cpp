// SPDX-License-Identifier: GPL-3.0-or-later
#include "progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "interrupt.hpp"
#include "terminal_bar.hpp"

namespace fstack::cli {
ProgressMode choose_progress_mode(bool quiet) {
    if (quiet) return ProgressMode::Quiet;
    const char* term = std::getenv("TERM");
    // A dumb terminal (Emacs shell, some CI consoles) shows \r and escapes literally.
    const bool dumb = term == nullptr || std::strcmp(term, "dumb") == 0;
    return isatty(STDERR_FILENO) && !dumb ? ProgressMode::Bar : ProgressMode::Lines;
}

ProgressBar::ProgressBar(ProgressMode mode, bool verbose) : mode_(mode), verbose_(verbose) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::stage(const std::string& name, int total) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    finish();
    stage_ = name;
    total_ = std::max(total, 0);
    done_ = 0;
    if (mode_ == ProgressMode::Bar) {
        draw();
    } else if (mode_ == ProgressMode::Lines) {
        if (total_ > 0)
            std::fprintf(stderr, "%s: 0/%d\n", stage_.c_str(), total_);
        else
            std::fprintf(stderr, "%s\n", stage_.c_str());
    }
}

void ProgressBar::step(int done) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    done_ = done;
    if (mode_ == ProgressMode::Bar) {
        draw();
    } else if (mode_ == ProgressMode::Lines) {
        if (total_ > 0)
            std::fprintf(stderr, "%s: %d/%d\n", stage_.c_str(), done_, total_);
        else
            std::fprintf(stderr, "%s: %d\n", stage_.c_str(), done_);
    }
}

void ProgressBar::log(LogLevel level, const std::string& message) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    if (mode_ == ProgressMode::Quiet) return;
    if (level == LogLevel::Debug && !verbose_) return;
    const char* prefix = level == LogLevel::Warning ? "warning: "
                         : level == LogLevel::Info  ? "fstack: "
                                                    : "debug: ";
    // Messages go above the bar, which is then redrawn below them.
    const bool redraw = bar_visible_;
    clear_bar();
    std::fprintf(stderr, "%s%s\n", prefix, message.c_str());
    if (redraw) draw();
}

bool ProgressBar::cancelled() { return interrupted(); }

void ProgressBar::finish() {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    if (bar_visible_) {
        std::fputc('\n', stderr);
        bar_visible_ = false;
    }
    std::fflush(stderr);
}

void ProgressBar::clear_bar() {
    if (!bar_visible_) return;
    std::fputs("\r\x1b[K", stderr);
    bar_visible_ = false;
}

void ProgressBar::draw() {
    // snprintf rather than string concatenation, which trips GCC 12's false -Wrestrict.
    char counts_buf[64] = "";
    int percent = -1;
    if (total_ > 0) {
        const int done = std::clamp(done_, 0, total_);
        percent = static_cast<int>(100LL * done / total_);
        std::snprintf(counts_buf, sizeof counts_buf, " %d/%d %d%%", done, total_, percent);
    } else if (done_ > 0) {
        std::snprintf(counts_buf, sizeof counts_buf, " %d", done_);
    }
    // Keep the whole line narrower than the terminal, or \r would redraw only its last row.
    std::string line = "\r";
    line.append(bar_line(stage_, percent, counts_buf, terminal_columns(), 40)).append("\x1b[K");
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
    bar_visible_ = true;
}

}  // namespace fstack::cli
