//! Deterministic elementary functions built only from IEEE-754 `+ - * / sqrt`.
//!
//! `f64::exp`, `ln`, `sin` and `tanh` come from the platform's libm: glibc natively, a
//! Rust port of musl in wasm. The two may differ in the last bit, and a network trained
//! for a thousand steps amplifies one bit into a different picture. These versions give
//! the same bits on every target, so the same seed gives the same numbers natively, in
//! wasm and in every test. They are also branch-free where it matters, so the batch
//! loops in `network.rs` vectorise. Accuracy is a few ulp (checked against std in tests).

const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // ln 2, upper 32 bits
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // ln 2 - LN2_HI
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// 1.5 * 2^52: adding it rounds a double to an integer held in the low mantissa bits.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;

/// Splits x = n ln2 + r with |r| <= ln2 / 2, returning (n, r).
#[inline(always)]
fn reduce_ln2(x: f64) -> (i64, f64) {
    let t = x * LOG2_E + ROUND_MAGIC;
    let n = t.to_bits() as i64 - ROUND_MAGIC.to_bits() as i64;
    let nf = t - ROUND_MAGIC;
    (n, (x - nf * LN2_HI) - nf * LN2_LO)
}

/// e^r - 1 for |r| <= ln2 / 2: the Taylor series to r^13, whose truncation error is below
/// 1e-17 relative on that interval.
///
/// Evaluated by Estrin's scheme (pairs of terms combined with r^2, r^4, r^8) rather than
/// Horner's: the same terms, but a dependency chain of about 8 operations instead of 26,
/// which matters because every tanh in the training loop waits on it.
#[inline(always)]
fn expm1_reduced(r: f64) -> f64 {
    // c_i = 1 / (i + 2)!, the coefficients of r^(i+2).
    const C: [f64; 12] = [
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let p01 = C[0] + C[1] * r;
    let p23 = C[2] + C[3] * r;
    let p45 = C[4] + C[5] * r;
    let p67 = C[6] + C[7] * r;
    let p89 = C[8] + C[9] * r;
    let p1011 = C[10] + C[11] * r;
    let q03 = p01 + r2 * p23;
    let q47 = p45 + r2 * p67;
    let q811 = p89 + r2 * p1011;
    let q = q03 + r4 * q47 + r8 * q811;
    r + r2 * q
}

/// 2^n as a double, for -1022 <= n <= 1023.
#[inline(always)]
fn pow2(n: i64) -> f64 {
    f64::from_bits(((n + 1023) as u64) << 52)
}

/// e^x. Overflows to +inf above ~709.78, underflows through the subnormals to 0 below
/// ~-745.13, and propagates NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    // clamp keeps NaN a NaN.
    let x = x.clamp(-746.0, 710.0);
    let (n, r) = reduce_ln2(x);
    // Two half-scalings keep each factor a normal number even when e^x is subnormal.
    let half = n >> 1;
    (1.0 + expm1_reduced(r)) * pow2(half) * pow2(n - half)
}

/// tanh(x) with one division.
///
/// Split 2x = n ln2 + r (|r| <= ln2 / 2), so x = a + r/2 with tanh(a) = (s - 1) / (s + 1),
/// s = 2^n. Write tanh(r/2) = r / D with D = r coth(r/2), an even function of r that is
/// 2 + r^2 / 6 - ... (its series has the Bernoulli numbers: r coth(r/2) = sum over k of
/// 2 B_2k r^2k / (2k)!). The addition formula tanh(a + b) = (ta + tb) / (1 + ta tb), with
/// both fractions multiplied out, is
///
///   tanh(x) = ((s - 1) D + (s + 1) r) / ((s + 1) D + (s - 1) r).
///
/// For n = 0 this is r / D exactly as written, so tanh stays exact in relative terms near 0.
/// The series of D to r^12 leaves an error below 1e-17 of D on |r| <= ln2 / 2. Compared with
/// e^2x from an expm1 polynomial to r^13 and then (e^2x - 1) / (e^2x + 1), it needs half the
/// polynomial, and every hidden neuron of a tanh network pays for one of these per example.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    // |x| >= 20 rounds to +-1 in f64; clamping keeps 2^n a normal number.
    let x = x.clamp(-20.0, 20.0);
    let (n, r) = reduce_ln2(2.0 * x);
    let s = pow2(n);
    let z = r * r;
    let z2 = z * z;
    let z4 = z2 * z2;
    // Estrin's scheme: a dependency chain of 4 multiply-adds instead of 6.
    let p = (TANH_D[0] + TANH_D[1] * z)
        + z2 * (TANH_D[2] + TANH_D[3] * z)
        + z4 * (TANH_D[4] + TANH_D[5] * z);
    let d = 2.0 + z * p;
    let (sm, sp) = (s - 1.0, s + 1.0);
    (sm * d + sp * r) / (sp * d + sm * r)
}

/// D(r) = 2 + z (TANH_D[0] + TANH_D[1] z + ... + TANH_D[5] z^5), z = r^2, in [`tanh`]:
/// TANH_D[k-1] = 2 B_2k / (2k)!.
const TANH_D: [f64; 6] = [
    1.0 / 6.0,
    -1.0 / 360.0,
    1.0 / 15_120.0,
    -1.0 / 604_800.0,
    1.0 / 23_950_080.0,
    -691.0 / 653_837_184_000.0,
];

/// [`tanh`] of two lanes at once in wasm SIMD, with the same operations in the same order,
/// so the same bits.
///
/// LLVM vectorises [`tanh`] over a neuron's lanes by itself, but in wasm it leaves the clamp
/// as scalar compares and selects lane by lane, and every constant becomes a `v128.const`,
/// which V8 builds anew at each use from an integer register (three instructions: as many
/// as the arithmetic, for a tanh). Here the clamp is `f64x2.pmax`/`pmin` (`pmax(x, lo)` is
/// `x < lo ? lo : x`, as `clamp` is) and the constants are loaded from memory, one
/// instruction each.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod simd {
    use core::arch::wasm32::*;

    // Where each constant is in K.
    const LO: usize = 0;
    const HI: usize = 1;
    const LOG2_E: usize = 2;
    const MAGIC: usize = 3;
    const LN2_HI: usize = 4;
    const LN2_LO: usize = 5;
    const EXP_BIAS: usize = 6;
    const D: usize = 7; // TANH_D[0..6] at 7..13
    const TWO: usize = 13;
    const ONE: usize = 14;

    /// The constants, each in both lanes.
    #[repr(C, align(16))]
    struct Consts([[f64; 2]; 15]);

    const fn both(v: f64) -> [f64; 2] {
        [v, v]
    }

    static K: Consts = Consts([
        both(-20.0),
        both(20.0),
        both(super::LOG2_E),
        both(super::ROUND_MAGIC),
        both(super::LN2_HI),
        both(super::LN2_LO),
        // pow2(n) = (n + 1023) << 52 with n = bits(t) - bits(ROUND_MAGIC): one integer
        // subtraction of bits(ROUND_MAGIC) - 1023, exact as the two steps are.
        both(f64::from_bits(super::ROUND_MAGIC.to_bits() - 1023)),
        both(super::TANH_D[0]),
        both(super::TANH_D[1]),
        both(super::TANH_D[2]),
        both(super::TANH_D[3]),
        both(super::TANH_D[4]),
        both(super::TANH_D[5]),
        both(2.0),
        both(1.0),
    ]);

    /// Constant `i`, read so that LLVM cannot fold it back into a `v128.const`.
    #[inline(always)]
    fn k(i: usize) -> v128 {
        // SAFETY: every call below passes one of the indices above, all < 15; K is 16-byte
        // aligned and lives forever.
        unsafe { core::ptr::read_volatile(K.0.as_ptr().add(i).cast::<v128>()) }
    }

    /// tanh of both lanes of `x`, bit for bit [`super::tanh`] of each.
    #[inline(always)]
    pub fn tanh(x: v128) -> v128 {
        let x = f64x2_pmin(f64x2_pmax(x, k(LO)), k(HI));
        let x2 = f64x2_mul(k(TWO), x);
        let t = f64x2_add(f64x2_mul(x2, k(LOG2_E)), k(MAGIC));
        let nf = f64x2_sub(t, k(MAGIC));
        let r = f64x2_sub(
            f64x2_sub(x2, f64x2_mul(nf, k(LN2_HI))),
            f64x2_mul(nf, k(LN2_LO)),
        );
        let s = i64x2_shl(i64x2_sub(t, k(EXP_BIAS)), 52);
        let z = f64x2_mul(r, r);
        let z2 = f64x2_mul(z, z);
        let z4 = f64x2_mul(z2, z2);
        let p01 = f64x2_add(k(D), f64x2_mul(k(D + 1), z));
        let p23 = f64x2_add(k(D + 2), f64x2_mul(k(D + 3), z));
        let p45 = f64x2_add(k(D + 4), f64x2_mul(k(D + 5), z));
        let p = f64x2_add(f64x2_add(p01, f64x2_mul(z2, p23)), f64x2_mul(z4, p45));
        let d = f64x2_add(k(TWO), f64x2_mul(z, p));
        let (sm, sp) = (f64x2_sub(s, k(ONE)), f64x2_add(s, k(ONE)));
        let num = f64x2_add(f64x2_mul(sm, d), f64x2_mul(sp, r));
        let den = f64x2_add(f64x2_mul(sp, d), f64x2_mul(sm, r));
        f64x2_div(num, den)
    }
}

/// The logistic sigmoid 1 / (1 + e^-z).
#[inline(always)]
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + exp(-z))
}

/// Splits x = n ln2 + r in f32, returning (2^n, r), for |x| <= 87 (so 2^n is normal).
#[inline(always)]
fn reduce_ln2_f32(x: f32) -> (f32, f32) {
    const MAGIC: f32 = 12_582_912.0; // 1.5 * 2^23
    let t = x * std::f32::consts::LOG2_E + MAGIC;
    let n = t.to_bits() as i32 - MAGIC.to_bits() as i32;
    let nf = t - MAGIC;
    let r = (x - nf * 0.693_359_4) + nf * 2.121_944_4e-4;
    (f32::from_bits(((n + 127) as u32) << 23), r)
}

/// e^r - 1 for |r| <= ln2 / 2, to f32 precision.
#[inline(always)]
fn expm1_reduced_f32(r: f32) -> f32 {
    let p = 1.0 / 720.0;
    let p = p * r + 1.0 / 120.0;
    let p = p * r + 1.0 / 24.0;
    let p = p * r + 1.0 / 6.0;
    let p = p * r + 0.5;
    r + r * r * p
}

/// tanh in f32, for heatmaps: the same formula as [`tanh`] at single precision.
#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    let x = x.clamp(-9.0, 9.0);
    let (s, r) = reduce_ln2_f32(2.0 * x);
    let em1 = s * expm1_reduced_f32(r) + (s - 1.0);
    em1 / (em1 + 2.0)
}

/// The sigmoid in f32, for heatmaps.
#[inline(always)]
pub fn sigmoid_f32(z: f32) -> f32 {
    let x = if z > 87.0 {
        -87.0
    } else if z < -87.0 {
        87.0
    } else {
        -z
    };
    let (s, r) = reduce_ln2_f32(x);
    1.0 / (1.0 + s * (1.0 + expm1_reduced_f32(r)))
}

/// Natural logarithm for x > 0 (NaN for x < 0 or NaN, -inf at 0, +inf at +inf).
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    // Normalise subnormals.
    let (x, bias) = if x < f64::MIN_POSITIVE {
        (x * 2f64.powi(54), -54)
    } else {
        (x, 0)
    };
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023 + bias;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.1716: series to s^23.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut p = 1.0 / 23.0;
    for k in (1..=10).rev() {
        p = p * s2 + 1.0 / (2 * k + 1) as f64;
    }
    let ef = e as f64;
    ef * LN2_HI + (2.0 * s * s2 * p + (2.0 * s + ef * LN2_LO))
}

/// ln(1 + t) for t >= 0, accurate for tiny t (Goldberg's correction of ln(1 + t)).
pub fn ln_1p(t: f64) -> f64 {
    let u = 1.0 + t;
    if u == 1.0 { t } else { ln(u) * t / (u - 1.0) }
}

/// softplus(z) = ln(1 + e^z), finite for every finite z.
pub fn softplus(z: f64) -> f64 {
    z.max(0.0) + ln_1p(exp(-z.abs()))
}

const PIO2_HI: f64 = 1.570_796_326_734_125_6; // pi/2, upper 33 bits
const PIO2_MID: f64 = 6.077_100_506_303_966e-11;
const PIO2_LO: f64 = 2.022_266_248_795_950_6e-21;

/// Reduces x to r in [-pi/4, pi/4] and the quadrant n mod 4.
fn reduce_pio2(x: f64) -> (i64, f64) {
    let t = x * std::f64::consts::FRAC_2_PI + ROUND_MAGIC;
    let n = t.to_bits() as i64 - ROUND_MAGIC.to_bits() as i64;
    let nf = t - ROUND_MAGIC;
    (n & 3, ((x - nf * PIO2_HI) - nf * PIO2_MID) - nf * PIO2_LO)
}

fn sin_reduced(r: f64) -> f64 {
    let r2 = r * r;
    let mut p = -1.0 / 355_687_428_096_000.0; // -1/17!
    p = p * r2 + 1.0 / 1_307_674_368_000.0;
    p = p * r2 - 1.0 / 6_227_020_800.0;
    p = p * r2 + 1.0 / 39_916_800.0;
    p = p * r2 - 1.0 / 362_880.0;
    p = p * r2 + 1.0 / 5_040.0;
    p = p * r2 - 1.0 / 120.0;
    p = p * r2 + 1.0 / 6.0;
    r - r * r2 * p
}

fn cos_reduced(r: f64) -> f64 {
    let r2 = r * r;
    let mut p = -1.0 / 6_402_373_705_728_000.0; // -1/18!
    p = p * r2 + 1.0 / 20_922_789_888_000.0;
    p = p * r2 - 1.0 / 87_178_291_200.0;
    p = p * r2 + 1.0 / 479_001_600.0;
    p = p * r2 - 1.0 / 3_628_800.0;
    p = p * r2 + 1.0 / 40_320.0;
    p = p * r2 - 1.0 / 720.0;
    p = p * r2 + 1.0 / 24.0;
    1.0 - 0.5 * r2 + r2 * r2 * p
}

/// sin x, accurate for |x| up to about 1e5 (inputs are limited to 1e6, where the error
/// is still below 1e-9); the result is clamped to [-1, 1].
pub fn sin(x: f64) -> f64 {
    let (q, r) = reduce_pio2(x);
    let v = match q {
        0 => sin_reduced(r),
        1 => cos_reduced(r),
        2 => -sin_reduced(r),
        _ => -cos_reduced(r),
    };
    v.clamp(-1.0, 1.0)
}

/// cos x, with the same range as [`sin`].
pub fn cos(x: f64) -> f64 {
    let (q, r) = reduce_pio2(x);
    let v = match q {
        0 => cos_reduced(r),
        1 => -sin_reduced(r),
        2 => -cos_reduced(r),
        _ => sin_reduced(r),
    };
    v.clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        if a == b {
            return 0;
        }
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    fn grid(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = f64> {
        (0..=n).map(move |i| lo + (hi - lo) * i as f64 / n as f64)
    }

    #[test]
    fn exp_matches_std_within_two_ulps() {
        for x in grid(-740.0, 709.0, 200_001) {
            assert!(
                ulps(exp(x), x.exp()) <= 2,
                "exp({x}) = {} vs {}",
                exp(x),
                x.exp()
            );
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert!(exp(-744.0) > 0.0, "subnormal results survive");
    }

    #[test]
    fn tanh_and_sigmoid_match_std() {
        for x in grid(-25.0, 25.0, 200_001) {
            let (a, b) = (tanh(x), x.tanh());
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1e-300),
                "tanh({x})"
            );
            let (s, t) = (sigmoid(x), 1.0 / (1.0 + (-x).exp()));
            assert!((s - t).abs() <= 4.0 * f64::EPSILON * t, "sigmoid({x})");
        }
        for x in [1e-300, 1e-20, 1e-9, -3e-7, 2e-4] {
            assert!(
                (tanh(x) - x.tanh()).abs() <= 2.0 * f64::EPSILON * x.abs(),
                "tanh({x}) near 0"
            );
        }
        assert_eq!(tanh(30.0), 1.0);
        assert_eq!(tanh(-30.0), -1.0);
        assert!(tanh(f64::NAN).is_nan());
        assert!(sigmoid(f64::NAN).is_nan());
        assert_eq!(sigmoid(-800.0), 0.0);
        assert_eq!(sigmoid(800.0), 1.0);
    }

    #[test]
    fn f32_versions_are_close() {
        for x in grid(-30.0, 30.0, 100_001) {
            let x32 = x as f32;
            assert!((tanh_f32(x32) - x32.tanh()).abs() <= 3e-7, "tanh_f32({x})");
            let s = 1.0 / (1.0 + (-x32).exp());
            assert!((sigmoid_f32(x32) - s).abs() <= 3e-7, "sigmoid_f32({x})");
        }
        assert!(tanh_f32(f32::NAN).is_nan() && sigmoid_f32(f32::NAN).is_nan());
    }

    #[test]
    fn ln_and_softplus_match_std() {
        for x in grid(1e-6, 1e6, 100_001).chain(grid(0.5, 2.0, 100_001)) {
            assert!(
                ulps(ln(x), x.ln()) <= 2,
                "ln({x}) = {} vs {}",
                ln(x),
                x.ln()
            );
        }
        assert!(ulps(ln(1e-310), 1e-310f64.ln()) <= 2);
        for t in grid(0.0, 1.0, 100_001).chain([1e-18, 3e-12, 1e-8]) {
            let (a, b) = (ln_1p(t), t.ln_1p());
            assert!(
                (a - b).abs() <= 4.0 * f64::EPSILON * b.max(1e-300),
                "ln_1p({t})"
            );
        }
        for z in grid(-800.0, 800.0, 100_001) {
            let reference = z.max(0.0) + (-z.abs()).exp().ln_1p();
            assert!((softplus(z) - reference).abs() <= 4.0 * f64::EPSILON * reference.max(1e-300));
        }
    }

    #[test]
    fn sin_cos_match_std() {
        for x in grid(-100.0, 100.0, 400_001) {
            assert!((sin(x) - x.sin()).abs() <= 4e-16, "sin({x})");
            assert!((cos(x) - x.cos()).abs() <= 4e-16, "cos({x})");
        }
        assert!((sin(1e6) - 1e6f64.sin()).abs() < 1e-9);
    }
}

/// [`simd::tanh`] against [`tanh`], bit for bit, in the browser (`wasm-pack test`).
#[cfg(all(test, target_arch = "wasm32", target_feature = "simd128"))]
mod simd_tests {
    use super::{simd, tanh};
    use core::arch::wasm32::{f64x2, f64x2_extract_lane};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn simd_tanh_gives_the_scalar_bits() {
        let mut xs = vec![
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            20.0,
            -20.0,
            19.999_999,
            1e300,
            -1e300,
            5e-324,
            -5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
        ];
        // Every n of the range reduction, densely, and magnitudes from 1e-300 up.
        xs.extend((0..=84_000).map(|i| -21.0 + i as f64 / 2000.0));
        let mut x = 1e-300;
        while x < 1e4 {
            xs.extend([x, -x]);
            x *= 1.093;
        }
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        for pair in xs.chunks(2) {
            let (a, b) = (pair[0], *pair.get(1).unwrap_or(&0.5));
            let v = simd::tanh(f64x2(a, b));
            let (ta, tb) = (f64x2_extract_lane::<0>(v), f64x2_extract_lane::<1>(v));
            assert!(same(ta, tanh(a)), "tanh({a}): simd {ta} vs {}", tanh(a));
            assert!(same(tb, tanh(b)), "tanh({b}): simd {tb} vs {}", tanh(b));
        }
    }
}
