// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <string>

namespace fstack {

enum class LogLevel { Debug, Info, Warning };

// core/ prints nothing: it reports through this interface, which each front end implements
// (a terminal bar in the CLI, gimp_progress_update in GIMP).
class Progress {
public:
    virtual ~Progress() = default;
    // A new stage begins (e.g. "stack: pyramid"), with `total` steps (0 when unknown).
    virtual void stage(const std::string& /*name*/, int /*total*/) {}
    // `done` steps of the current stage are complete.
    virtual void step(int /*done*/) {}
    virtual void log(LogLevel /*level*/, const std::string& /*message*/) {}
    // Polled between steps; returning true makes core/ throw Error(ErrorKind::Cancelled).
    virtual bool cancelled() { return false; }

    void warn(const std::string& m) { log(LogLevel::Warning, m); }
    void info(const std::string& m) { log(LogLevel::Info, m); }
    void check_cancel();
};

// A Progress that ignores everything: the default where a caller passes none.
Progress& null_progress();

}  // namespace fstack
