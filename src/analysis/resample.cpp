#include "analysis/resample.hpp"

#include <samplerate.h>

#include <cmath>
#include <string>
#include <utility>

#include "switchboard/error.hpp"

namespace switchboard::analysis {

Resampler::Resampler(int in_rate, int out_rate) {
    if (in_rate == out_rate) return;
    int err = 0;
    // SRC_SINC_FASTEST: a band-limited sinc converter (about 97 dB SNR),
    // ample for levels and pitch and several times faster than the better ones.
    state_ = src_new(SRC_SINC_FASTEST, 1, &err);
    if (!state_)
        throw Error(ErrorCode::internal, std::string("libsamplerate could not start: ") + src_strerror(err));
    ratio_ = double(out_rate) / in_rate;
    block_.resize(kBlock);
    scratch_.resize(static_cast<std::size_t>(std::ceil(kBlock * ratio_)) + 256);
}

Resampler::~Resampler() {
    if (state_) src_delete(state_);
}

Resampler::Resampler(Resampler&& other) noexcept
    : state_(std::exchange(other.state_, nullptr)),
      ratio_(other.ratio_),
      block_(std::move(other.block_)),
      fill_(other.fill_),
      scratch_(std::move(other.scratch_)) {}

void Resampler::push(const float* x, std::size_t n, std::vector<float>& out) {
    if (!state_) {
        out.insert(out.end(), x, x + n);
        return;
    }
    while (n > 0) {
        std::size_t take = std::min(n, kBlock - fill_);
        std::copy(x, x + take, block_.begin() + static_cast<std::ptrdiff_t>(fill_));
        fill_ += take;
        x += take;
        n -= take;
        if (fill_ == kBlock) run(kBlock, false, out);
    }
}

void Resampler::finish(std::vector<float>& out) {
    if (!state_) return;
    run(fill_, true, out);
}

void Resampler::run(std::size_t n, bool end, std::vector<float>& out) {
    SRC_DATA data{};
    data.src_ratio = ratio_;
    data.end_of_input = end ? 1 : 0;
    std::size_t used = 0;
    for (;;) {
        data.data_in = block_.data() + used;
        data.input_frames = static_cast<long>(n - used);
        data.data_out = scratch_.data();
        data.output_frames = static_cast<long>(scratch_.size());
        int err = src_process(state_, &data);
        if (err)
            throw Error(ErrorCode::internal, std::string("libsamplerate failed: ") + src_strerror(err));
        used += static_cast<std::size_t>(data.input_frames_used);
        out.insert(out.end(), scratch_.begin(), scratch_.begin() + data.output_frames_gen);
        if (used >= n && (!end || data.output_frames_gen == 0)) break;
    }
    fill_ = 0;
}

}  // namespace switchboard::analysis
