// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// MultiLayer belongs to the layered writers (issue 4); the job-file parser hands its table here.
#include <filesystem>
#include <memory>
#include <string>

#include "fstack/job.hpp"
#include "job/job_file_reader.hpp"

namespace fstack::jobfile {

// Reads the keys of `type = "MultiLayer"` (input_path, output_path, working_path, exif_path,
// format, compress) and builds the action. `working_path`: the action's own working_path,
// resolved and checked by the parser (empty: the job's).
std::unique_ptr<Action> make_multilayer_action(TableReader& reader, const std::string& name,
                                               const std::filesystem::path& working_path);

}  // namespace fstack::jobfile
