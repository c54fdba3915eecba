// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRaster (.ora): a zip with "mimetype" first and stored, stack.xml (top layer first), one
// PNG per layer, mergedimage.png and Thumbnails/thumbnail.png. libzip reads its sources only at
// zip_close(), so each layer is encoded to a PNG file in a scratch folder beside the output and
// handed over as a file source: memory holds one layer, the disk the compressed PNGs. The PNGs
// are stored, not deflated again. OpenRaster has no layer masks and no EXIF/ICC.
#include <zip.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <cstring>
#include <system_error>
#include <vector>

#include "fstack/error.hpp"
#include "fstack/image_io.hpp"
#include "layers/layer_document.hpp"
#include "layers/layer_writers.hpp"

namespace fstack::detail {
namespace fs = std::filesystem;
namespace {

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

// Removes the scratch folder whatever happens.
struct ScratchDir {
    fs::path path;
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

struct ZipArchive {
    zip_t* z = nullptr;
    ~ZipArchive() {
        if (z) zip_discard(z);
    }
};

void write_png(const fs::path& path, const cv::Mat& image, const std::string& shown) {
    // Level 1: layers are re-read by the editor, not archived; speed matters more than size.
    if (!cv::imwrite(path.string(), image, {cv::IMWRITE_PNG_COMPRESSION, 1}))
        throw Error(ErrorKind::Output, shown, -1, "cannot write a layer PNG (disk full?)");
}

void add_file(ZipArchive& a, const std::string& name, const fs::path& file, const std::string& shown) {
    zip_source_t* src = zip_source_file(a.z, file.c_str(), 0, -1);
    if (!src) throw Error(ErrorKind::Output, shown, -1, std::string("zip: ") + zip_strerror(a.z));
    const zip_int64_t idx = zip_file_add(a.z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        throw Error(ErrorKind::Output, shown, -1, std::string("zip: ") + zip_strerror(a.z));
    }
    zip_set_file_compression(a.z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
}

void add_text(ZipArchive& a, const std::string& name, const std::string& text, bool store,
              const std::string& shown) {
    // The buffer is copied by libzip (freep 0 needs it alive until close: keep a heap copy).
    void* copy = std::malloc(text.size());
    std::memcpy(copy, text.data(), text.size());
    zip_source_t* src = zip_source_buffer(a.z, copy, text.size(), 1);
    if (!src) {
        std::free(copy);
        throw Error(ErrorKind::Output, shown, -1, std::string("zip: ") + zip_strerror(a.z));
    }
    const zip_int64_t idx = zip_file_add(a.z, name.c_str(), src, ZIP_FL_ENC_UTF_8);
    if (idx < 0) {
        zip_source_free(src);
        throw Error(ErrorKind::Output, shown, -1, std::string("zip: ") + zip_strerror(a.z));
    }
    if (store) zip_set_file_compression(a.z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
}

}  // namespace

void write_ora(const LayerWriteJob& job) {
    const LayeredImageSpec& spec = job.spec;
    ScratchDir scratch{job.tmp.string() + ".d"};
    std::error_code ec;
    fs::create_directory(scratch.path, ec);
    if (ec) throw Error(ErrorKind::Output, job.shown, -1, "cannot create a scratch folder: " + ec.message());

    ZipArchive archive;
    int err = 0;
    archive.z = zip_open(job.tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!archive.z) throw Error(ErrorKind::Output, job.shown, -1, "cannot create the zip file");
    // The OpenRaster spec: "mimetype" is the first entry, stored, so `file` can identify it.
    add_text(archive, "mimetype", "image/openraster", true, job.shown);

    const int n = static_cast<int>(spec.layers.size());
    Compositor composite(spec.width, spec.height);
    job.progress.stage("write " + job.shown, n);
    std::vector<std::string> entries;  // stack.xml lines, bottom first
    for (int i = 0; i < n; ++i) {
        job.progress.check_cancel();
        const LayerSpec& layer = spec.layers[static_cast<size_t>(i)];
        cv::Mat pixels;
        {
            LayerPixels in = job.source(i);
            pixels = to_document_layout(in.pixels, spec, i, job.shown);
        }
        const std::string name = "data/layer" + std::to_string(i) + ".png";
        const fs::path file = scratch.path / ("layer" + std::to_string(i) + ".png");
        write_png(file, pixels, job.shown);
        add_file(archive, name, file, job.shown);
        if (layer.visible) composite.over(pixels, cv::Mat());
        entries.push_back("    <layer name=\"" + xml_escape(layer.name) + "\" src=\"" + name +
                          "\" x=\"0\" y=\"0\" opacity=\"1.0\" visibility=\"" +
                          (layer.visible ? "visible" : "hidden") + "\"/>");
        job.progress.step(i + 1);
    }

    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<image version=\"0.0.5\" w=\"" +
                      std::to_string(spec.width) + "\" h=\"" + std::to_string(spec.height) +
                      "\">\n  <stack>\n";
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) xml += *it + "\n";
    xml += "  </stack>\n</image>\n";
    add_text(archive, "stack.xml", xml, false, job.shown);

    // The merged image is RGBA by the spec; the thumbnail at most 256 pixels on its long side.
    cv::Mat merged = composite.result(spec.depth, true);
    write_png(scratch.path / "merged.png", merged, job.shown);
    add_file(archive, "mergedimage.png", scratch.path / "merged.png", job.shown);
    const double scale = 256.0 / std::max(spec.width, spec.height);
    cv::Mat thumb;
    cv::resize(merged, thumb, cv::Size(), std::min(1.0, scale), std::min(1.0, scale), cv::INTER_AREA);
    merged.release();
    write_png(scratch.path / "thumb.png", convert_depth(thumb, CV_8U), job.shown);
    add_file(archive, "Thumbnails/thumbnail.png", scratch.path / "thumb.png", job.shown);

    zip_t* z = archive.z;
    archive.z = nullptr;
    if (zip_close(z) != 0) {
        const std::string why = zip_strerror(z);
        zip_discard(z);
        throw Error(ErrorKind::Output, job.shown, -1, "cannot write the zip file: " + why);
    }
}

}  // namespace fstack::detail
