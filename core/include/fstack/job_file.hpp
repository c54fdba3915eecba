// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <filesystem>
#include <memory>

#include "fstack/job.hpp"

namespace fstack {

// Reads a TOML job file (docs/job-files.md) into a StackJob, mirroring the seed's Python API:
//   [job] name, working_path, input_path
//   [[action]] type = "Actions" | "FocusStack" | "FocusStackBunch" | "MultiLayer" | "NoiseDetection"
// Everything is checked before anything runs: a syntax error, an unknown key, a wrong type or
// value, or a missing folder is an Error(Usage or Input) whose file is the job file and whose
// reason starts with "line N: key 'action[2].stacker.map_type': ...". A relative working_path
// starts at the job file's folder.
std::unique_ptr<StackJob> load_job_file(const std::filesystem::path& path);

}  // namespace fstack
