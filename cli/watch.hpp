// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fstack/progress.hpp"

namespace fstack::cli {

// --watch: the frames of a folder that a camera, a rig or a copy is still filling. A file
// counts as a frame once it is complete: its size and modification time have not changed
// between two polls at least `settle` apart, and it decodes to its end (a frame written in two
// parts, or still being copied, is not taken half). Frames are kept in natural order, so one
// that arrives out of order takes its place.
class FolderWatch {
public:
    FolderWatch(std::filesystem::path dir, Progress& progress,
                std::chrono::milliseconds settle = std::chrono::milliseconds(400));
    // Looks at the folder once; returns true when a frame became complete. Throws Error(Input)
    // if the folder cannot be read.
    bool poll();
    // The complete frames, in natural order.
    const std::vector<std::filesystem::path>& frames() const { return frames_; }
    // Seconds since the last frame became complete (or since the watch began).
    double idle_seconds() const;
    // Files seen that are not complete yet (being written, or not decodable so far).
    int pending() const;

private:
    struct Seen {
        std::uintmax_t size = 0;
        std::filesystem::file_time_type mtime;
        std::chrono::steady_clock::time_point since;  // when this size and time were first seen
        bool complete = false;
        std::string problem;  // why the last decode failed
    };
    std::filesystem::path dir_;
    Progress& progress_;
    std::chrono::milliseconds settle_;
    std::map<std::filesystem::path, Seen> seen_;
    std::vector<std::filesystem::path> frames_;
    std::chrono::steady_clock::time_point last_change_;
};

// Sleeps `seconds`, waking early if the run is cancelled (Ctrl-C, SIGTERM): then throws
// Error(Cancelled) through progress.check_cancel().
void watch_sleep(double seconds, Progress& progress);

}  // namespace fstack::cli
