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

/// tanh(x) = (e^2x - 1) / (e^2x + 1), from an expm1 that is exact in relative terms near 0.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    // |x| >= 20 rounds to +-1 in f64; clamping keeps e^2x finite.
    let x = x.clamp(-20.0, 20.0);
    let (n, r) = reduce_ln2(2.0 * x);
    let s = pow2(n);
    // e^2x - 1 = s (e^r - 1) + (s - 1); for n = 0 this is e^r - 1 exactly.
    let em1 = s * expm1_reduced(r) + (s - 1.0);
    em1 / (em1 + 2.0)
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
