// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <mutex>
#include <string>

#include "fstack/progress.hpp"

namespace fstack::cli {

enum class ProgressMode {
    Bar,    // stderr is a terminal: one line redrawn with \r
    Lines,  // stderr is a file or pipe: one plain line per step, easy to grep in logs
    Quiet,  // --quiet: nothing but errors (printed by main, not here)
};

// Bar when stderr is a capable terminal, else Lines; Quiet wins.
ProgressMode choose_progress_mode(bool quiet);

// The CLI's fstack::Progress: progress, warnings and notes on stderr, and Ctrl-C as cancellation.
class ProgressBar : public Progress {
public:
    explicit ProgressBar(ProgressMode mode, bool verbose = false);
    ~ProgressBar() override;
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    void stage(const std::string& name, int total) override;
    void step(int done) override;
    void log(LogLevel level, const std::string& message) override;
    bool cancelled() override;

    // Ends the bar's line so that what follows starts on a fresh one.
    void finish();
    ProgressMode mode() const { return mode_; }

private:
    void draw();
    void clear_bar();

    ProgressMode mode_;
    bool verbose_;
    std::string stage_;
    int total_ = 0;
    int done_ = 0;
    bool bar_visible_ = false;
    // The frame pipeline's analysing thread reports notes (a converted frame) while the main
    // thread moves the bar.
    std::recursive_mutex mutex_;
};

}  // namespace fstack::cli
