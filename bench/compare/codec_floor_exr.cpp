// codec_floor_exr: codec_floor.c's OpenEXR measurements through OpenEXR's C++ library (Imf),
// which, unlike OpenEXRCore, has threads of its own: decode and encode with N worker threads.
//
//   codec_floor_exr [-r REPS] [-l LONG_S] [-t THREADS] [-o OUTDIR] [-k] INPUT [exr:COMP[@K]...]
//
// INPUT (scanline or single-level tiled, half channels) is read whole into one interleaved
// half buffer (InputFile, or TiledInputFile for tiled files); each exr:COMP (none, rle, zips,
// zip, piz, pxr24, b44, b44a, dwaa, dwab; ZIP at level 4, the library's default) writes those
// pixels as a scanline file. @K, -r and -l as in codec_floor.c, and the same output lines:
//
//   floor OP CODEC SETTINGS THREADS MEDIAN_S MIN_S CPU_S REPS SAMPLE RAW_MIBPS OUT_BYTES INPUT GEOMETRY
//
// THREADS 1 = no worker threads (setGlobalThreadCount(0)). Built by bench/compare/run with g++
// when libopenexr-dev is there; otherwise its lines are simply absent.
#include <ImfChannelList.h>
#include <ImfCompression.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfOutputFile.h>
#include <ImfTiledInputFile.h>
#include <ImfThreading.h>
#include <ImfVersion.h>
#include <OpenEXRConfig.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace {

struct Image {
    int                         w = 0, h = 0, nc = 0;
    std::vector<std::string>    names;
    std::vector<unsigned short> px; // interleaved halves
    Imath::Box2i                dw;
};

double
now_s()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double
cpu_s()
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double) ru.ru_utime.tv_sec + 1e-6 * (double) ru.ru_utime.tv_usec +
           (double) ru.ru_stime.tv_sec + 1e-6 * (double) ru.ru_stime.tv_usec;
}

Imf::FrameBuffer
frame_buffer(Image &im, int y_origin)
{
    Imf::FrameBuffer fb;
    size_t xs = 2 * (size_t) im.nc, ys = xs * (size_t) im.w;
    for (int c = 0; c < im.nc; c++) {
        // the slice's base is where pixel (0, 0) of the window would be
        char *base = (char *) im.px.data() + 2 * (size_t) c -
                     (ptrdiff_t) im.dw.min.x * (ptrdiff_t) xs - (ptrdiff_t) y_origin * (ptrdiff_t) ys;
        fb.insert(im.names[c], Imf::Slice(Imf::HALF, base, xs, ys));
    }
    return fb;
}

void
decode(const char *path, Image &im, std::string &comp)
{
    Imf::InputFile probe(path);
    const Imf::Header &hd = probe.header();
    im.dw = hd.dataWindow();
    im.w = im.dw.max.x - im.dw.min.x + 1;
    im.h = im.dw.max.y - im.dw.min.y + 1;
    im.names.clear();
    for (auto c = hd.channels().begin(); c != hd.channels().end(); ++c) {
        if (c.channel().type != Imf::HALF || c.channel().xSampling != 1 || c.channel().ySampling != 1)
            throw std::runtime_error("only full-resolution half channels here");
        im.names.push_back(c.name());
    }
    im.nc = (int) im.names.size();
    static const char *cn[] = {"none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab"};
    int ci = (int) hd.compression();
    comp = ci >= 0 && ci < 10 ? cn[ci] : "other";
    im.px = std::vector<unsigned short>(); // a fresh buffer each time, as codec_floor.c
    im.px.resize((size_t) im.w * (size_t) im.h * (size_t) im.nc);
    if (hd.hasTileDescription()) {
        Imf::TiledInputFile t(path);
        if (t.header().tileDescription().mode != Imf::ONE_LEVEL)
            throw std::runtime_error("only single-level tiled files here");
        t.setFrameBuffer(frame_buffer(im, im.dw.min.y));
        t.readTiles(0, t.numXTiles() - 1, 0, t.numYTiles() - 1);
    } else {
        probe.setFrameBuffer(frame_buffer(im, im.dw.min.y));
        probe.readPixels(im.dw.min.y, im.dw.max.y);
    }
}

bool
comp_id(const std::string &s, Imf::Compression &c)
{
    static const struct {
        const char      *n;
        Imf::Compression c;
    } t[] = {{"none", Imf::NO_COMPRESSION},     {"rle", Imf::RLE_COMPRESSION},
             {"zips", Imf::ZIPS_COMPRESSION},   {"zip", Imf::ZIP_COMPRESSION},
             {"piz", Imf::PIZ_COMPRESSION},     {"pxr24", Imf::PXR24_COMPRESSION},
             {"b44", Imf::B44_COMPRESSION},     {"b44a", Imf::B44A_COMPRESSION},
             {"dwaa", Imf::DWAA_COMPRESSION},   {"dwab", Imf::DWAB_COMPRESSION}};
    for (auto &e : t)
        if (s == e.n) {
            c = e.c;
            return true;
        }
    return false;
}

void
encode(Image &im, const std::string &path, Imf::Compression comp)
{
    Imf::Header hd(im.w, im.h);
    hd.compression() = comp;
    hd.zipCompressionLevel() = 4;
    for (auto &n : im.names)
        hd.channels().insert(n, Imf::Channel(Imf::HALF));
    Imf::OutputFile out(path.c_str(), hd);
    Imf::FrameBuffer fb;
    size_t xs = 2 * (size_t) im.nc, ys = xs * (size_t) im.w;
    for (int c = 0; c < im.nc; c++)
        fb.insert(im.names[c], Imf::Slice(Imf::HALF, (char *) im.px.data() + 2 * (size_t) c, xs, ys));
    out.setFrameBuffer(fb);
    out.writePixels(im.h);
}

Image
sample_rows(const Image &im, int k)
{
    Image s;
    s.w = im.w;
    s.nc = im.nc;
    s.names = im.names;
    size_t rb = (size_t) im.w * (size_t) im.nc;
    for (int y = 0; y < im.h; y++)
        if ((y / 64) % k == 0) {
            s.px.insert(s.px.end(), im.px.begin() + (ptrdiff_t) (y * rb),
                        im.px.begin() + (ptrdiff_t) ((y + 1) * rb));
            s.h++;
        }
    s.dw = Imath::Box2i(Imath::V2i(0, 0), Imath::V2i(s.w - 1, s.h - 1));
    return s;
}

struct Meas {
    std::vector<double> wall, cpu;
    bool                done = false;
    long                out = 0;
    std::string         err;
};

double
median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void
report(const char *op, const std::string &codec, const std::string &settings, int threads,
       const Meas &m, double raw, const std::string &input, const std::string &geom, int k)
{
    if (m.wall.empty()) {
        std::printf("floor\t%s\t%s\t%s\tna\t\t\t\t0\t\t\t\t%s\t%s\n", op, codec.c_str(), settings.c_str(),
                    input.c_str(), m.err.c_str());
        return;
    }
    double med = median(m.wall) * k;
    std::printf("floor\t%s\t%s\t%s\t%d\t%.4f\t%.4f\t%.4f\t%zu\t1/%d\t%.1f\t%ld\t%s\t%s\n", op,
                codec.c_str(), settings.c_str(), threads, med,
                *std::min_element(m.wall.begin(), m.wall.end()) * k, median(m.cpu) * k,
                m.wall.size(), k, raw / 1048576.0 / med, m.out * k, input.c_str(), geom.c_str());
}

} // namespace

int
main(int argc, char **argv)
{
    int reps = 3, threads = 1, opt;
    bool keep = false;
    double long_s = 2.0;
    std::string outdir = "/tmp";
    while ((opt = getopt(argc, argv, "r:l:t:o:kh")) != -1) {
        switch (opt) {
        case 'r': reps = std::atoi(optarg); break;
        case 'l': long_s = std::atof(optarg); break;
        case 't': threads = std::atoi(optarg); break;
        case 'o': outdir = optarg; break;
        case 'k': keep = true; break;
        default:
            std::fprintf(stderr, "usage: codec_floor_exr [-r REPS] [-l LONG_S] [-t THREADS] [-o OUTDIR] [-k] "
                                 "INPUT [exr:COMP[@K]...]\n");
            return 2;
        }
    }
    if (optind >= argc || reps < 1 || threads < 1)
        return 2;
    Imf::setGlobalThreadCount(threads > 1 ? threads : 0);
    std::string input = argv[optind], base = input.substr(input.find_last_of('/') + 1);
    std::string codec = std::string("exr/OpenEXR-C++-") + OPENEXR_VERSION_STRING;
    struct Enc {
        std::string      spec, settings, path;
        Imf::Compression comp = Imf::NO_COMPRESSION;
        int              k = 1;
        Image            part;
        Meas             m;
    };
    std::vector<Enc> encs;
    for (int i = optind + 1; i < argc; i++) {
        Enc e;
        e.spec = argv[i];
        std::string body = e.spec;
        size_t at = body.find('@');
        if (at != std::string::npos) {
            e.k = std::atoi(body.c_str() + at + 1);
            body = body.substr(0, at);
        }
        std::string c = body.rfind("exr:", 0) == 0 ? body.substr(4) : "";
        e.settings = c + (c == "zip" || c == "zips" ? ",level-4" : "") + ",scanlines";
        if (!comp_id(c, e.comp) || e.k < 1 || e.k > 64) {
            e.m.err = "not exr:COMP[@K] with COMP none|rle|zips|zip|piz|pxr24|b44|b44a|dwaa|dwab";
            e.m.done = true;
        }
        e.path = outdir + "/codec_floor_exr." + std::to_string(i) + "." + std::to_string(getpid()) + ".exr";
        encs.push_back(std::move(e));
    }
    Image im;
    Meas dm;
    std::string incomp;
    for (int r = 0; r < reps; r++) {
        if (!dm.done) {
            double t0 = now_s(), c0 = cpu_s();
            try {
                decode(input.c_str(), im, incomp);
            } catch (const std::exception &ex) {
                dm.err = base + ": " + ex.what();
                report("decode", codec, "-", threads, dm, 0, base, dm.err, 1);
                return 1;
            }
            double t1 = now_s(), c1 = cpu_s();
            dm.wall.push_back(t1 - t0);
            dm.cpu.push_back(c1 - c0);
            dm.done = t1 - t0 > long_s;
        }
        for (auto &e : encs) {
            if (e.m.done)
                continue;
            Image *src = &im;
            if (e.k > 1) {
                if (e.part.px.empty())
                    e.part = sample_rows(im, e.k);
                src = &e.part;
            }
            double t0 = now_s(), c0 = cpu_s();
            try {
                encode(*src, e.path, e.comp);
            } catch (const std::exception &ex) {
                e.m.err = ex.what();
                e.m.wall.clear();
                e.m.done = true;
                continue;
            }
            double t1 = now_s(), c1 = cpu_s();
            e.m.wall.push_back(t1 - t0);
            e.m.cpu.push_back(c1 - c0);
            e.m.done = t1 - t0 > long_s;
            if (FILE *f = std::fopen(e.path.c_str(), "rb")) {
                std::fseek(f, 0, SEEK_END);
                e.m.out = std::ftell(f);
                std::fclose(f);
            }
        }
        bool more = !dm.done;
        for (auto &e : encs)
            more = more || !e.m.done;
        if (!more)
            break;
    }
    double raw = (double) im.w * im.h * im.nc * 2;
    std::string geom =
        std::to_string(im.w) + "x" + std::to_string(im.h) + "x" + std::to_string(im.nc) + " half";
    report("decode", codec, "input-" + incomp, threads, dm, raw, base, geom, 1);
    for (auto &e : encs) {
        report("encode", codec, e.settings, threads, e.m, raw, base, geom, e.k);
        if (keep && !e.m.wall.empty())
            std::fprintf(stderr, "codec_floor_exr: kept %s\n", e.path.c_str());
        else
            unlink(e.path.c_str());
    }
    return 0;
}
