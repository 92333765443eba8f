//! Running a hot loop compiled for AVX2 when the CPU has it.

/// Runs `body` compiled for AVX2 when the CPU has it, otherwise for the baseline target (the
/// EDF reader's helper, copied to keep the readers apart). The baseline x86-64 target has only
/// SSE2, whose byte gathers make format 212's statistics sweep about twice as slow. `body` must
/// be `#[inline(always)]` to be compiled for AVX2.
#[inline(always)]
pub fn with_avx2<T>(bytes: &[u8], body: fn(&[u8]) -> T) -> T {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn avx2<T>(bytes: &[u8], body: fn(&[u8]) -> T) -> T {
            body(bytes)
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { avx2(bytes, body) };
        }
    }
    body(bytes)
}
