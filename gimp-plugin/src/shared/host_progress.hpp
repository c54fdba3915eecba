// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// The core's Progress shown on GIMP's progress bar, one message per stage. Cancelling in GIMP
// ends the plug-in process; the plug-in does not touch the image before its output stage,
// so a cancel during the work leaves the image as it was.
#include <string>

#include "fstack/progress.hpp"
#include "host.hpp"

namespace fstack::gimp {

class HostProgress : public Progress {
public:
    // The core's stages fill [from, to] of the bar.
    HostProgress(Host& host, double from, double to) : host_(host), from_(from), to_(to) {}
    void stage(const std::string& name, int total) override;
    void step(int done) override;
    void log(LogLevel level, const std::string& message) override;

private:
    Host& host_;
    double from_, to_;
    std::string text_;
    int total_ = 0;
};

}  // namespace fstack::gimp
