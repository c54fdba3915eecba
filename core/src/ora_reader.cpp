// SPDX-License-Identifier: GPL-3.0-or-later
// OpenRaster reading with libzip: stack.xml's <layer> elements (top first, nested stacks
// flattened), each PNG decoded with OpenCV and placed at its x/y offset, and mergedimage.png.
#include <zip.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <cstring>
#include <memory>
#include <regex>
#include <vector>

#include "fstack/error.hpp"
#include "layered_readers.hpp"

namespace fstack::detail {
namespace {

struct ZipCloser {
    void operator()(zip_t* z) const { zip_discard(z); }
};

std::vector<uint8_t> entry(zip_t* z, const std::string& name, const std::string& shown) {
    zip_stat_t st;
    if (zip_stat(z, name.c_str(), 0, &st) != 0)
        throw Error(ErrorKind::Input, shown, -1, "OpenRaster file without " + name);
    std::vector<uint8_t> data(st.size);
    zip_file_t* f = zip_fopen(z, name.c_str(), 0);
    if (!f) throw Error(ErrorKind::Input, shown, -1, "cannot open " + name + " in the OpenRaster file");
    const zip_int64_t got = zip_fread(f, data.data(), data.size());
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(data.size()))
        throw Error(ErrorKind::Input, shown, -1, "cannot read " + name + " in the OpenRaster file");
    return data;
}

std::string attribute(const std::string& element, const std::string& name) {
    const std::regex re("\\s" + name + "\\s*=\\s*\"([^\"]*)\"");
    std::smatch m;
    if (!std::regex_search(element, m, re)) return {};
    std::string v = m[1];
    // The five XML entities, enough for names fstack (and Krita, GIMP) write.
    static const std::pair<const char*, const char*> entities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : entities)
        for (size_t p; (p = v.find(from)) != std::string::npos;) v.replace(p, std::strlen(from), to);
    return v;
}

cv::Mat decode(const std::vector<uint8_t>& bytes) {
    return cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
}

}  // namespace

LayeredImage read_ora(const std::filesystem::path& path) {
    const std::string shown = path.string();
    int err = 0;
    std::unique_ptr<zip_t, ZipCloser> z(zip_open(path.c_str(), ZIP_RDONLY, &err));
    if (!z) throw Error(ErrorKind::Input, shown, -1, "not a readable zip (OpenRaster) file");
    const std::vector<uint8_t> xml_bytes = entry(z.get(), "stack.xml", shown);
    const std::string xml(xml_bytes.begin(), xml_bytes.end());
    LayeredImage image;
    std::smatch m;
    if (std::regex_search(xml, m, std::regex("<image\\b[^>]*>"))) {
        image.width = std::atoi(attribute(m[0], "w").c_str());
        image.height = std::atoi(attribute(m[0], "h").c_str());
    }
    if (image.width <= 0 || image.height <= 0) throw Error(ErrorKind::Input, shown, -1, "stack.xml without the image size");
    const std::regex layer_re("<layer\\b[^>]*>");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), layer_re); it != std::sregex_iterator(); ++it) {
        const std::string element = (*it)[0];
        ReadLayer layer;
        layer.name = attribute(element, "name");
        layer.visible = attribute(element, "visibility") != "hidden";
        const cv::Mat png = decode(entry(z.get(), attribute(element, "src"), shown));
        if (png.empty()) throw Error(ErrorKind::Input, shown, -1, "layer '" + layer.name + "' is not a readable PNG");
        const int x = std::atoi(attribute(element, "x").c_str()), y = std::atoi(attribute(element, "y").c_str());
        if (x == 0 && y == 0 && png.cols == image.width && png.rows == image.height) {
            layer.pixels = png;
        } else {
            layer.pixels = cv::Mat(image.height, image.width, CV_MAKETYPE(png.depth(), 4), cv::Scalar::all(0));
            cv::Mat rgba = png.channels() == 4 ? png : cv::Mat();
            if (rgba.empty()) cv::cvtColor(png, rgba, png.channels() == 1 ? cv::COLOR_GRAY2BGRA : cv::COLOR_BGR2BGRA);
            const cv::Rect want(x, y, png.cols, png.rows);
            const cv::Rect clip = want & cv::Rect(0, 0, image.width, image.height);
            if (clip.area() > 0) rgba(clip - want.tl()).copyTo(layer.pixels(clip));
        }
        image.layers.push_back(std::move(layer));
    }
    std::reverse(image.layers.begin(), image.layers.end());  // stack.xml lists the top first
    zip_stat_t st;
    if (zip_stat(z.get(), "mergedimage.png", 0, &st) == 0) image.composite = decode(entry(z.get(), "mergedimage.png", shown));
    return image;
}

}  // namespace fstack::detail
