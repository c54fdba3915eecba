// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the fuzzers' seed corpora: small images of every kind the readers take (depths,
// channels, progressive and restart-interval JPEGs, interlaced-free PNGs, deflate/LZW TIFFs,
// orientation tags), the test data's frames made small, the hostile files of the CLI tests,
// layered documents from our own writers and job files. Small seeds keep executions fast.
//   make_seeds OUT_DIR TEST_DATA_DIR
#include <tiffio.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "fstack/layers.hpp"
#include "hostile_files.hpp"

namespace fs = std::filesystem;
namespace hostile = fstack::test::hostile;

namespace {

void put(const fs::path& dir, const std::string& name, const std::string& bytes) {
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

std::string encode(const cv::Mat& m, const std::string& ext, const std::vector<int>& params = {}) {
    std::vector<unsigned char> out;
    if (!cv::imencode(ext, m, out, params)) return {};
    return std::string(out.begin(), out.end());
}

std::string file_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Image variants of one picture, by format.
void images(const fs::path& out, const cv::Mat& bgr, const std::string& tag) {
    cv::Mat grey, bgra, wide, wide_grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    bgr.convertTo(wide, CV_16U, 257.0);
    grey.convertTo(wide_grey, CV_16U, 257.0);
    put(out / "jpeg", tag + "_color.jpg", encode(bgr, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 80}));
    put(out / "jpeg", tag + "_grey.jpg", encode(grey, ".jpg"));
    put(out / "jpeg", tag + "_progressive.jpg", encode(bgr, ".jpg", {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
    put(out / "jpeg", tag + "_restart.jpg", encode(bgr, ".jpg", {cv::IMWRITE_JPEG_RST_INTERVAL, 2}));
    put(out / "jpeg", tag + "_optimized.jpg", encode(bgr, ".jpg", {cv::IMWRITE_JPEG_OPTIMIZE, 1}));
    put(out / "png", tag + "_color.png", encode(bgr, ".png"));
    put(out / "png", tag + "_grey.png", encode(grey, ".png"));
    put(out / "png", tag + "_rgba.png", encode(bgra, ".png"));
    put(out / "png", tag + "_16.png", encode(wide, ".png"));
    put(out / "png", tag + "_grey16.png", encode(wide_grey, ".png"));
    put(out / "tiff", tag + "_color.tif", encode(bgr, ".tif", {cv::IMWRITE_TIFF_COMPRESSION, 1}));
    put(out / "tiff", tag + "_grey.tif", encode(grey, ".tif"));
    put(out / "tiff", tag + "_rgba_lzw.tif", encode(bgra, ".tif", {cv::IMWRITE_TIFF_COMPRESSION, 5}));
    put(out / "tiff", tag + "_16_deflate.tif", encode(wide, ".tif", {cv::IMWRITE_TIFF_COMPRESSION, 8}));
    put(out / "tiff", tag + "_orient6.tif", hostile::tiff_with_orientation(bgr, 6));
}

void layered(const fs::path& out) {
    const fs::path dir = out / "layered";
    fs::create_directories(dir);
    const cv::Mat a = hostile::picture(16, 12, 1), b = hostile::picture(16, 12, 2);
    fstack::LayeredImageSpec spec;
    spec.width = 16;
    spec.height = 12;
    spec.layers = {{"bottom", true, false}, {"top", false, true}};
    const fstack::LayerSource source = [&](int i) {
        fstack::LayerPixels p;
        p.pixels = i == 0 ? a : b;
        if (i == 1) p.mask = cv::Mat(12, 16, CV_8UC1, cv::Scalar(200));
        return p;
    };
    for (auto f : {fstack::LayerFormat::Tiff, fstack::LayerFormat::PhotoshopTiff, fstack::LayerFormat::Psd,
                   fstack::LayerFormat::Ora}) {
        for (int depth : {CV_8U, CV_16U}) {
            spec.depth = depth;
            const std::string name = std::string("doc_") + fstack::layer_format_name(f) + (depth == CV_8U ? "_8" : "_16") +
                                     fstack::layer_format_extension(f);
            try {
                fstack::write_layered_file(dir / name, f, spec, source);
            } catch (const std::exception& e) {
                std::fprintf(stderr, "make_seeds: %s: %s\n", name.c_str(), e.what());
            }
        }
    }
    // The large-input paths of stack.xml (fuzz.sh runs fuzz_layered with a larger -max_len):
    // one attribute of 30,000 characters (it crashed the old std::regex reader), stacks nested
    // 5,000 deep, and many layers naming one PNG.
    const cv::Mat png = hostile::picture(8, 6, 4);
    const std::string layer = "<layer name=\"l\" src=\"layer.png\"/>";
    hostile::write_ora(dir / "ora_long_attribute.ora",
                       "<image w=\"8\" h=\"6\"><stack><layer name=\"" + std::string(30000, 'n') +
                           "\" src=\"layer.png\"/></stack></image>", png);
    std::string open, close, many;
    for (int i = 0; i < 5000; ++i) open += "<stack>", close += "</stack>";
    hostile::write_ora(dir / "ora_deep.ora", "<image w=\"8\" h=\"6\">" + open + layer + close + "</image>", png);
    for (int i = 0; i < 2000; ++i) many += layer;
    hostile::write_ora(dir / "ora_many_layers.ora", "<image w=\"8\" h=\"6\"><stack>" + many + "</stack></image>", png);
    // fuzz_stack_xml takes the XML itself.
    const fs::path xml = out / "stack_xml";
    put(xml, "plain.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<image version=\"0.0.5\" w=\"8\" h=\"6\">"
                          "<stack><layer name=\"top\" src=\"layer.png\" x=\"1\" y=\"2\" visibility=\"hidden\"/>"
                          "<stack><layer name=\"a &amp; b\" src=\"layer.png\"/></stack></stack></image>");
    put(xml, "long_attribute.xml", "<image w=\"8\" h=\"6\"><stack><layer name=\"" + std::string(30000, 'n') +
                                       "\" src=\"layer.png\"/></stack></image>");
    put(xml, "long_number.xml", "<image w=\"8\" h=\"6\"><layer src=\"layer.png\" x=\"" + std::string(20000, '9') + "\"/></image>");
    put(xml, "deep.xml", "<image w=\"8\" h=\"6\">" + open + layer + close + "</image>");
    put(xml, "deep_unclosed.xml", "<image w=\"8\" h=\"6\">" + open + layer);
    put(xml, "many_layers.xml", "<image w=\"8\" h=\"6\"><stack>" + many + "</stack></image>");
}

// A TOML key of `levels` parts joined by dots.
std::string dotted(int levels) {
    std::string key = "t";
    for (int i = 1; i < levels; ++i) key += ".t";
    return key;
}

void jobs(const fs::path& out) {
    put(out / "job", "bunch.toml",
        "[job]\nname = \"beetle\"\nworking_path = \".\"\ninput_path = \"src\"\n\n"
        "[[action]]\ntype = \"FocusStackBunch\"\nname = \"batches\"\nframes = 10\noverlap = 2\n"
        "postfix = \"_b\"\n[action.stacker]\ntype = \"PyramidStack\"\nkernel_size = 5\n\n"
        "[[action]]\ntype = \"FocusStack\"\nname = \"stack\"\ninput_path = [\"batches\"]\n"
        "[action.stacker]\ntype = \"DepthMapStack\"\nmap_type = \"average\"\nenergy = \"sobel\"\n");
    put(out / "job", "actions.toml",
        "[job]\nname = \"j\"\nworking_path = \"w\"\ninput_path = \"src\"\n\n[[action]]\ntype = \"Actions\"\n"
        "name = \"align\"\nactions = [{ type = \"AlignFrames\", ref_idx = 0 }, { type = \"BalanceFrames\" }]\n");
    put(out / "job", "broken.toml", "[job\nname = 'x'\n[[action]]\ntype = 3\n");
    // Deep structures, each past the nesting limit (toml_nesting.hpp) and each at it: a table
    // header (130,000 levels of it crashed toml++), an array-of-tables header, a dotted key,
    // inline arrays and tables; and a long string value.
    const std::string job = "[job]\nname = \"j\"\n";
    put(out / "job", "deep_header.toml", job + "[" + dotted(20000) + "]\n");
    put(out / "job", "deep_header_at_limit.toml", job + "[" + dotted(63) + "]\nx = 1\n");
    put(out / "job", "deep_array_of_tables.toml", job + "[[" + dotted(20000) + "]]\n");
    put(out / "job", "deep_dotted_key.toml", job + dotted(20000) + " = 1\n");
    put(out / "job", "deep_inline.toml", job + "x = " + std::string(5000, '[') + std::string(5000, ']') + "\n");
    std::string tables = "x = ";
    for (int i = 0; i < 3000; ++i) tables += "{a = ";
    put(out / "job", "deep_inline_tables.toml", job + tables + "1" + std::string(3000, '}') + "\n");
    put(out / "job", "long_string.toml", job + "input_path = \"" + std::string(200000, 's') + "\"\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_seeds OUT_DIR TEST_DATA_DIR\n");
        return 2;
    }
    const fs::path out = argv[1], data = argv[2];
    images(out, hostile::picture(24, 16, 7), "synthetic");
    images(out, hostile::picture(9, 7, 3), "odd");
    // The test data's frames, made small: real camera JPEG structure, EXIF and all.
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(data)) {
        if (!e.is_regular_file() || e.path().extension() != ".jpg" || n >= 2) continue;
        const cv::Mat m = cv::imread(e.path().string());
        if (m.empty()) continue;
        cv::Mat small;
        cv::resize(m, small, cv::Size(32, 24), 0, 0, cv::INTER_AREA);
        images(out, small, "data" + std::to_string(n));
        put(out / "info", "data" + std::to_string(n) + "_full.jpg", file_bytes(e.path()));  // headers only are read
        ++n;
    }
    // The hostile files of tests/hostile_input_test.cpp.
    const std::string jpeg = encode(hostile::picture(32, 24, 5), ".jpg");
    put(out / "jpeg", "hostile_corrupt_scan.jpg", hostile::jpeg_with_corrupt_scan(jpeg));
    put(out / "jpeg", "hostile_truncated.jpg", jpeg.substr(0, jpeg.size() / 2));
    put(out / "jpeg", "hostile_bomb.jpg", hostile::jpeg_with_size(jpeg, 60000, 60000));
    put(out / "jpeg", "hostile_zero.jpg", hostile::jpeg_with_size(jpeg, 32, 0));
    put(out / "png", "hostile_bomb.png", hostile::png_header_only(100000, 100000));
    put(out / "png", "hostile_zero.png", hostile::png_header_only(0, 10));
    put(out / "tiff", "hostile_bomb.tif", hostile::tiff_header_only(200000, 150000));
    put(out / "tiff", "hostile_small.tif", hostile::tiff_header_only(4, 3));
    // read_image and read_image_info take every format.
    for (const char* sub : {"jpeg", "png", "tiff"})
        for (const auto& e : fs::directory_iterator(out / sub)) {
            fs::create_directories(out / "image");
            fs::create_directories(out / "info");
            fs::copy_file(e.path(), out / "image" / e.path().filename(), fs::copy_options::overwrite_existing);
            fs::copy_file(e.path(), out / "info" / e.path().filename(), fs::copy_options::overwrite_existing);
        }
    layered(out);
    jobs(out);
    return 0;
}
