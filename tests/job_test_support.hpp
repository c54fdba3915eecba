// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the job API tests (tests/job_*_test.cpp but job_file_test.cpp) share: the synthetic scene
// written as a folder of frames (with EXIF), the files in a folder, and a PyramidStack to run.
#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "fstack/pyramid_stack.hpp"
#include "fstack/stacker.hpp"
#include "stacker_test_support.hpp"
#include "synthetic/synthetic.hpp"
#include "test_util.hpp"

namespace fstack::test::jobs {

// What every test of the subject names without qualification (`using namespace
// fstack::test::jobs;`): the stacking tests' names (stacker_test_support.hpp) and these.
using namespace fstack::test::stacking;
namespace fs = std::filesystem;
using fstack::test::TempDir;

// Frames are numbered 8..15 so that plain string order ("shot_10" < "shot_8") differs from the
// natural order the job must use.
inline constexpr int kFirstNumber = 8;
inline std::string frame_name(int i, const std::string& ext) { return "shot_" + std::to_string(kFirstNumber + i) + ext; }

inline const synth::Scene& scene(bool sixteen_bit) { return scene_stack(320, 240, 8, 5, sixteen_bit).scene; }

inline void ensure_exiv2() {
    static const bool once = [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
        return true;
    }();
    (void)once;
}

inline void set_exif(const fs::path& p, const std::string& model) {
    ensure_exiv2();
    auto image = Exiv2::ImageFactory::open(p.string());
    image->readMetadata();
    image->exifData()["Exif.Image.Make"] = "fstack-test";
    image->exifData()["Exif.Image.Model"] = model;
    image->exifData()["Exif.Photo.ISOSpeedRatings"] = uint16_t(200);
    image->writeMetadata();
}

// Writes the scene's frames into `dir` as `ext` files, each with EXIF whose Model says whether
// it is the first frame (so the test can tell which frame's metadata was copied).
inline void write_frames(const synth::Scene& s, const fs::path& dir, const std::string& ext, bool exif = true) {
    fs::create_directories(dir);
    for (int i = 0; i < s.frame_count(); ++i) {
        const fs::path p = dir / frame_name(i, ext);
        fstack::write_image(p, synth::render_frame(s, i));
        if (exif) set_exif(p, i == 0 ? "first-frame" : "other-frame");
    }
}

inline std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

inline std::unique_ptr<fstack::Stacker> pyramid() { return std::make_unique<fstack::PyramidStack>(); }

}  // namespace fstack::test::jobs
