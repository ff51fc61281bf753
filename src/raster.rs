//! Anti-aliased drawing of the diagram's edges into an RGBA buffer.
//!
//! The diagram (www/diagram.js) draws up to a few thousand translucent, round-capped curves a
//! frame: every weight and every dL/dW as an edge whose colour and width encode its value.
//! A canvas rasterises such strokes in software (no GPU) at about 57 ns a pixel, 30 ms a
//! frame for the 2-8x6-1 network, on the page's main thread. Every edge of the diagram is the
//! same S-shaped cubic (control points halfway across, at the two ends' heights) and runs
//! left to right, which makes a specialised rasteriser simple: column by column, the curve's
//! height and slope come from one shared table, and each pixel's coverage from its
//! perpendicular distance to the curve.
//!
//! Input is a list of records of [`RECORD`] f32s (CSS pixels, scaled to device pixels by
//! [`Raster::draw`]'s `scale`):
//!
//! `[kind, x1, y1, x2, y2, h, r, g, b, a, u0, u1]`
//!
//! - [`STROKE`]: the curve from (x1, y1) to (x2, y2), `h` its half width, drawn for the
//!   x fractions u0..u1 (0..1 is the whole edge), with round caps at both ends.
//! - [`BAND`]: the region between the curve moved up and down by `h` (a band of edges).
//! - [`SWEEP`]: the rectangle x1..x2, y1..y2, its opacity rising linearly from 0 at the left
//!   and right sides to `a` in the middle (the front of a forward or backward pass).
//!
//! r, g, b are 0..255 and a (the opacity) 0..1. Records are drawn in order, each blended
//! over the ones before (source over). A record with a non-finite field is skipped; nothing
//! here panics on any input. The result is straight (not premultiplied) RGBA, as `ImageData`
//! wants it.

/// f32s per record.
pub const RECORD: usize = 12;
/// Record kinds.
pub const STROKE: f32 = 0.0;
pub const BAND: f32 = 1.0;
pub const SWEEP: f32 = 2.0;

/// The largest buffer side, in device pixels.
pub const MAX_SIDE: usize = 16384;
/// The largest buffer, in pixels.
pub const MAX_PIXELS: usize = 1 << 24;

const TABLE: usize = 256;

/// An RGBA buffer and the curve's table.
pub struct Raster {
    width: usize,
    height: usize,
    /// The drawing, packed RGBA (the bytes R, G, B, A in memory order) premultiplied, column
    /// by column: the rasteriser walks columns, and a column's run of pixels is then one
    /// contiguous slice (cache-friendly, and vectorised).
    work: Vec<u32>,
    /// The result: straight RGBA, row by row.
    pixels: Vec<u32>,
    /// The curve's height (fraction of y2 - y1) at x fraction i / TABLE, and its slope
    /// d(height)/d(x fraction); one extra entry each for u = 1.
    s: [f32; TABLE + 2],
    sp: [f32; TABLE + 2],
    /// Columns touched since the last clear: [first, last) (to clear and convert only those).
    dirty: (usize, usize),
}

/// The cubic's parameter t at x fraction u (x(t) = 1.5 t (1 - t) + t³ for control points
/// halfway across), by Newton's method.
fn curve_t(u: f64) -> f64 {
    let mut t = u;
    for _ in 0..8 {
        let f = 1.5 * t * (1.0 - t) + t * t * t - u;
        t -= f / (1.5 - 3.0 * t + 3.0 * t * t);
    }
    t.clamp(0.0, 1.0)
}

/// Rounded x / 255 in each of the two 16-bit lanes of x (each lane at most 65025).
#[inline(always)]
fn div255x2(x: u32) -> u32 {
    let x = x + 0x0080_0080;
    ((x + ((x >> 8) & 0x00ff_00ff)) >> 8) & 0x00ff_00ff
}

/// Blends `colour` (packed RGBA, alpha 255) at opacity `cover` (0..1) over premultiplied `p`.
#[inline(always)]
fn blend(p: &mut u32, colour: u32, cover: f32) {
    let a = (cover * 255.0 + 0.5) as u32;
    let keep = 255 - a.min(255);
    let d = *p;
    let rb = div255x2((colour & 0x00ff_00ff) * a + (d & 0x00ff_00ff) * keep);
    let ag = div255x2(((colour >> 8) & 0x00ff_00ff) * a + ((d >> 8) & 0x00ff_00ff) * keep);
    *p = rb | (ag << 8);
}

/// Packs r, g, b (0..255) with alpha 255, as the bytes R, G, B, A in memory order.
fn pack(colour: [f32; 3]) -> u32 {
    u32::from_le_bytes([colour[0] as u8, colour[1] as u8, colour[2] as u8, 255])
}

impl Default for Raster {
    fn default() -> Self {
        Raster::new()
    }
}

impl Raster {
    /// An empty (0 x 0) buffer.
    pub fn new() -> Raster {
        let mut s = [0f32; TABLE + 2];
        let mut sp = [0f32; TABLE + 2];
        for i in 0..=TABLE {
            let t = curve_t(i as f64 / TABLE as f64);
            s[i] = (t * t * (3.0 - 2.0 * t)) as f32;
            sp[i] = (6.0 * t * (1.0 - t) / (1.5 - 3.0 * t + 3.0 * t * t)) as f32;
        }
        s[TABLE + 1] = 1.0;
        sp[TABLE + 1] = 0.0;
        Raster {
            width: 0,
            height: 0,
            work: Vec::new(),
            pixels: Vec::new(),
            s,
            sp,
            dirty: (0, 0),
        }
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The straight RGBA pixels (4 bytes each: R, G, B, A), width x height, top row first.
    pub fn pixels(&self) -> &[u32] {
        &self.pixels
    }

    /// Sets the size in device pixels (cleared). The memory is allocated only when the size
    /// exceeds every earlier one, and kept. Refuses sides over [`MAX_SIDE`] or more than
    /// [`MAX_PIXELS`] pixels, leaving the buffer as it was.
    pub fn resize(&mut self, width: usize, height: usize) -> crate::Result<()> {
        if width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS {
            return Err(crate::Error::new(
                "size",
                format!(
                    "{width} x {height} device pixels is too large: at most {MAX_SIDE} a side and {MAX_PIXELS} pixels"
                ),
            ));
        }
        self.width = width;
        self.height = height;
        // The vectors keep their capacity: one raster serves every diagram on a page, each at
        // its own size, and switching between sizes must not allocate.
        for v in [&mut self.work, &mut self.pixels] {
            v.clear();
            v.resize(width * height, 0);
        }
        self.dirty = (0, 0);
        Ok(())
    }

    /// Clears the buffer, draws `records` (see the module comment; a partial record at the
    /// end is ignored) with coordinates multiplied by `scale`, and leaves straight RGBA.
    pub fn draw(&mut self, records: &[f32], scale: f32) {
        let (c0, c1) = self.dirty;
        if c1 > c0 {
            self.work[c0 * self.height..c1 * self.height].fill(0);
        }
        self.dirty = (self.width, 0);
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        for rec in records.chunks_exact(RECORD) {
            if rec.iter().any(|v| !v.is_finite()) {
                continue;
            }
            let colour = [
                rec[6].clamp(0.0, 255.0),
                rec[7].clamp(0.0, 255.0),
                rec[8].clamp(0.0, 255.0),
            ];
            let alpha = rec[9].clamp(0.0, 1.0);
            if alpha <= 0.0 {
                continue;
            }
            let (x1, y1, x2, y2) = (
                rec[1] * scale,
                rec[2] * scale,
                rec[3] * scale,
                rec[4] * scale,
            );
            let h = (rec[5] * scale).clamp(0.0, 512.0);
            if rec[0] == STROKE {
                let u0 = rec[10].clamp(0.0, 1.0);
                let u1 = rec[11].clamp(u0, 1.0);
                self.stroke(x1, y1, x2, y2, h, u0, u1, colour, alpha);
            } else if rec[0] == BAND {
                self.band(x1, y1, x2, y2, h, colour, alpha);
            } else if rec[0] == SWEEP {
                self.sweep(x1, y1, x2, y2, colour, alpha);
            }
        }
        if self.dirty.1 < self.dirty.0 {
            self.dirty = (0, 0);
        }
        self.finish();
    }

    /// The curve's height fraction and slope (d height / d x fraction) at x fraction u in 0..=1.
    #[inline(always)]
    fn curve(&self, u: f32) -> (f32, f32) {
        let si = u * TABLE as f32;
        let i = (si as usize).min(TABLE);
        let f = si - i as f32;
        let s = self.s[i] + (self.s[i + 1] - self.s[i]) * f;
        let sp = self.sp[i] + (self.sp[i + 1] - self.sp[i]) * f;
        (s, sp)
    }

    /// The columns [c0, c1) that x range [xa, xb) touches, clipped to the buffer, and marked
    /// dirty.
    fn columns(&mut self, xa: f32, xb: f32) -> (usize, usize) {
        let c0 = xa.floor().max(0.0).min(self.width as f32) as usize;
        let c1 = xb.ceil().max(0.0).min(self.width as f32) as usize;
        if c1 > c0 {
            self.dirty.0 = self.dirty.0.min(c0);
            self.dirty.1 = self.dirty.1.max(c1);
        }
        (c0, c1)
    }

    /// The rows [r0, r1) that y range [ya, yb] touches, clipped.
    fn rows(&self, ya: f32, yb: f32) -> (usize, usize) {
        let r0 = ya.floor().max(0.0).min(self.height as f32) as usize;
        let r1 = (yb.floor() + 1.0).max(0.0).min(self.height as f32) as usize;
        (r0, r1)
    }

    /// Blends colour at opacity `cover` (0..1) over pixel (column, row).
    #[inline(always)]
    fn blend(&mut self, column: usize, row: usize, colour: u32, cover: f32) {
        let o = column * self.height + row;
        blend(&mut self.work[o], colour, cover);
    }

    /// The pixels of column `col` from row r0 to r1 (exclusive), at distance |row + 0.5 - yc| / k
    /// from the curve's centre: opacity alpha where the distance is under reach - 1, fading
    /// to none at reach.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn span(
        &mut self,
        col: usize,
        r0: usize,
        r1: usize,
        yc: f32,
        ik: f32,
        reach: f32,
        colour: u32,
        alpha: f32,
    ) {
        let base = col * self.height;
        let y0 = r0 as f32 + 0.5 - yc;
        // Branch-free, so that it vectorises: a pixel out of reach blends at opacity 0, which
        // leaves it exactly as it was.
        for (i, p) in self.work[base + r0..base + r1].iter_mut().enumerate() {
            let py = y0 + i as f32;
            let cover = (reach - (py * ik).abs()).clamp(0.0, 1.0);
            blend(p, colour, cover * alpha);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn stroke(
        &mut self,
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        h: f32,
        u0: f32,
        u1: f32,
        colour: [f32; 3],
        alpha: f32,
    ) {
        let dx = x2 - x1;
        if dx.abs() < 1e-3 {
            return;
        }
        let dy = y2 - y1;
        let c = pack(colour);
        let reach = h + 0.5;
        let xa = x1 + dx * u0;
        let xb = x1 + dx * u1;
        let ya = y1 + dy * self.curve(u0).0;
        let yb = y1 + dy * self.curve(u1).0;
        let (xlo, xhi) = if xa <= xb { (xa, xb) } else { (xb, xa) };
        let (c0, c1) = self.columns(xlo - reach, xhi + reach);
        let slope = dy / dx;
        for col in c0..c1 {
            let px = col as f32 + 0.5;
            let u = (px - x1) / dx;
            if u < u0 || u > u1 {
                // A round cap around the nearer end.
                let (ex, ey) = if u < u0 { (xa, ya) } else { (xb, yb) };
                let ddx = px - ex;
                if ddx.abs() >= reach {
                    continue;
                }
                let (r0, r1) = self.rows(ey - reach, ey + reach);
                for row in r0..r1 {
                    let ddy = row as f32 + 0.5 - ey;
                    let cover = (reach - (ddx * ddx + ddy * ddy).sqrt()).min(1.0);
                    if cover > 0.0 {
                        self.blend(col, row, c, cover * alpha);
                    }
                }
                continue;
            }
            let (s, sp) = self.curve(u);
            let yc = y1 + dy * s;
            let m = slope * sp;
            let k = (1.0 + m * m).sqrt();
            let ik = 1.0 / k;
            let half = reach * k;
            let (r0, r1) = self.rows(yc - half, yc + half);
            self.span(col, r0, r1, yc, ik, reach, c, alpha);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn band(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, h: f32, colour: [f32; 3], alpha: f32) {
        let dx = x2 - x1;
        if dx < 1e-3 {
            return;
        }
        let dy = y2 - y1;
        let c = pack(colour);
        let (c0, c1) = self.columns(x1, x2);
        let slope = dy / dx;
        for col in c0..c1 {
            // The share of the column inside x1..x2.
            let across = ((col as f32 + 1.0).min(x2) - (col as f32).max(x1)).clamp(0.0, 1.0);
            let px = (col as f32 + 0.5).clamp(x1, x2);
            let (s, sp) = self.curve((px - x1) / dx);
            let yc = y1 + dy * s;
            let m = slope * sp;
            let k = (1.0 + m * m).sqrt();
            let ik = 1.0 / k;
            let (r0, r1) = self.rows(yc - h - 0.5 * k, yc + h + 0.5 * k);
            for row in r0..r1 {
                let py = row as f32 + 0.5;
                let top = (0.5 + (py - (yc - h)) * ik).clamp(0.0, 1.0);
                let bottom = (0.5 + ((yc + h) - py) * ik).clamp(0.0, 1.0);
                let cover = (top + bottom - 1.0).max(0.0) * across;
                if cover > 0.0 {
                    self.blend(col, row, c, cover * alpha);
                }
            }
        }
    }

    fn sweep(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, colour: [f32; 3], alpha: f32) {
        let w = x2 - x1;
        if w < 1e-3 || y2 <= y1 {
            return;
        }
        let c = pack(colour);
        let (c0, c1) = self.columns(x1, x2);
        let (r0, r1) = self.rows(y1, y2 - 1e-3);
        for col in c0..c1 {
            let t = ((col as f32 + 0.5 - x1) / w).clamp(0.0, 1.0);
            let cover = alpha * (1.0 - (2.0 * t - 1.0).abs());
            for row in r0..r1 {
                self.blend(col, row, c, cover);
            }
        }
    }

    /// The work buffer (premultiplied, column by column) to the result (straight, row by
    /// row), in tiles so that both sides stay in the cache.
    fn finish(&mut self) {
        const TILE: usize = 16;
        let (w, h) = (self.width, self.height);
        let (c0, c1) = self.dirty;
        for row in self.pixels.chunks_exact_mut(w.max(1)) {
            row[..c0].fill(0);
            row[c1..].fill(0);
        }
        for tc in (c0..c1).step_by(TILE) {
            let tc1 = (tc + TILE).min(c1);
            for tr in (0..h).step_by(TILE) {
                let tr1 = (tr + TILE).min(h);
                for col in tc..tc1 {
                    let column = &self.work[col * h..(col + 1) * h];
                    for (row, &p) in column.iter().enumerate().take(tr1).skip(tr) {
                        self.pixels[row * w + col] = straight(p);
                    }
                }
            }
        }
    }
}

/// Premultiplied packed RGBA to straight.
#[inline(always)]
fn straight(p: u32) -> u32 {
    let a = p >> 24;
    if a == 0 || a == 255 {
        return p;
    }
    let [r, g, b, _] = p.to_le_bytes();
    let un = |c: u8| ((c as u32 * 255 + a / 2) / a).min(255) as u8;
    u32::from_le_bytes([un(r), un(g), un(b), a as u8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::too_many_arguments)]
    fn rec(
        kind: f32,
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        h: f32,
        rgb: [f32; 3],
        a: f32,
    ) -> Vec<f32> {
        vec![kind, x1, y1, x2, y2, h, rgb[0], rgb[1], rgb[2], a, 0.0, 1.0]
    }

    /// A `width` x `height` raster with `records` drawn at `scale`.
    fn drawn(width: usize, height: usize, records: &[f32], scale: f32) -> Raster {
        let mut r = Raster::new();
        r.resize(width, height).unwrap();
        r.draw(records, scale);
        r
    }

    fn alpha_sum(r: &Raster) -> f64 {
        r.pixels().iter().map(|p| (p >> 24) as f64 / 255.0).sum()
    }

    fn pixel(r: &Raster, x: usize, y: usize) -> [u8; 4] {
        r.pixels()[y * r.width() + x].to_le_bytes()
    }

    #[test]
    fn a_level_stroke_covers_its_width_times_its_length() {
        // Level (y1 = y2), 60 px long, 4 px wide: 240 px plus the two round caps (π r²).
        let r = drawn(
            100,
            40,
            &rec(
                STROKE,
                20.0,
                20.0,
                80.0,
                20.0,
                2.0,
                [200.0, 10.0, 10.0],
                1.0,
            ),
            1.0,
        );
        let expected = 60.0 * 4.0 + std::f64::consts::PI * 4.0;
        let got = alpha_sum(&r);
        assert!(
            (got - expected).abs() < 0.03 * expected,
            "coverage {got}, expected {expected}"
        );
        // Opaque inside, straight colour, nothing far away.
        assert_eq!(pixel(&r, 50, 20), [200, 10, 10, 255]);
        assert_eq!(pixel(&r, 50, 30)[3], 0);
        assert_eq!(pixel(&r, 5, 20)[3], 0);
    }

    #[test]
    fn a_curve_passes_through_its_ends_and_its_middle() {
        let r = drawn(
            200,
            200,
            &rec(
                STROKE,
                20.0,
                20.0,
                180.0,
                180.0,
                1.5,
                [0.0, 0.0, 255.0],
                1.0,
            ),
            1.0,
        );
        // The S-curve is symmetric: its middle is the middle of the two ends.
        assert_eq!(pixel(&r, 100, 100)[3], 255);
        assert_eq!(pixel(&r, 21, 20)[3], 255);
        assert_eq!(pixel(&r, 178, 180)[3], 255);
        // It leaves level: near the left end it is still close to y1, far below the chord.
        assert_eq!(pixel(&r, 40, 40)[3], 0);
        // Coverage is the width times the arc length, give or take the caps.
        let len: f64 = (0..1000)
            .map(|i| {
                let (a, b) = (i as f64 / 1000.0, (i + 1) as f64 / 1000.0);
                let y = |u: f64| {
                    let t = curve_t(u);
                    160.0 * t * t * (3.0 - 2.0 * t)
                };
                (0.16f64.powi(2) + (y(b) - y(a)).powi(2)).sqrt()
            })
            .sum();
        let expected = len * 3.0;
        let got = alpha_sum(&r);
        assert!(
            (got - expected).abs() < 0.05 * expected,
            "coverage {got}, expected {expected}"
        );
    }

    #[test]
    fn translucent_strokes_blend_source_over() {
        let mut r = Raster::new();
        r.resize(50, 20).unwrap();
        let mut recs = rec(STROKE, 5.0, 10.0, 45.0, 10.0, 3.0, [255.0, 0.0, 0.0], 0.5);
        recs.extend(rec(
            STROKE,
            5.0,
            10.0,
            45.0,
            10.0,
            3.0,
            [0.0, 0.0, 255.0],
            0.5,
        ));
        r.draw(&recs, 1.0);
        // Red at 0.5, then blue at 0.5 over it: alpha 0.75, colour (1/3 red, 2/3 blue).
        let p = pixel(&r, 25, 10);
        assert!((p[3] as i32 - 191).abs() <= 1, "{p:?}");
        assert!(
            (p[0] as i32 - 85).abs() <= 1 && (p[2] as i32 - 170).abs() <= 1,
            "{p:?}"
        );
    }

    #[test]
    fn each_draw_starts_from_a_clear_buffer() {
        let mut r = drawn(
            50,
            50,
            &rec(STROKE, 5.0, 5.0, 45.0, 45.0, 2.0, [9.0, 9.0, 9.0], 1.0),
            1.0,
        );
        assert!(alpha_sum(&r) > 10.0);
        r.draw(&[], 1.0);
        assert!(r.pixels().iter().all(|&v| v == 0));
    }

    #[test]
    fn scale_maps_css_to_device_pixels() {
        let a = drawn(
            100,
            40,
            &rec(STROKE, 20.0, 20.0, 80.0, 20.0, 2.0, [1.0, 2.0, 3.0], 1.0),
            1.0,
        );
        let b = drawn(
            200,
            80,
            &rec(STROKE, 10.0, 10.0, 40.0, 10.0, 1.0, [1.0, 2.0, 3.0], 1.0),
            2.0,
        );
        assert!((alpha_sum(&a) - alpha_sum(&b)).abs() < 1.0);
    }

    #[test]
    fn a_band_fills_between_its_two_curves() {
        let r = drawn(
            100,
            60,
            &rec(BAND, 10.0, 30.0, 90.0, 30.0, 5.0, [0.0, 128.0, 0.0], 1.0),
            1.0,
        );
        let got = alpha_sum(&r);
        assert!((got - 800.0).abs() < 8.0, "coverage {got}");
        assert_eq!(pixel(&r, 50, 30), [0, 128, 0, 255]);
    }

    #[test]
    fn a_sweep_peaks_in_its_middle() {
        let r = drawn(
            100,
            10,
            &rec(SWEEP, 0.0, 0.0, 100.0, 10.0, 0.0, [8.0, 119.0, 189.0], 0.5),
            1.0,
        );
        assert_eq!(pixel(&r, 50, 5)[3], 126);
        assert_eq!(pixel(&r, 0, 5)[3], 1);
        assert!(pixel(&r, 25, 5)[3] > 60 && pixel(&r, 25, 5)[3] < 66);
    }

    #[test]
    fn switching_sizes_keeps_the_memory() {
        let mut r = Raster::new();
        r.resize(300, 200).unwrap();
        let ptr = r.pixels().as_ptr();
        r.resize(30, 20).unwrap();
        r.draw(
            &rec(STROKE, 2.0, 10.0, 28.0, 10.0, 2.0, [1.0, 2.0, 3.0], 1.0),
            1.0,
        );
        assert_eq!(r.pixels().len(), 600);
        assert_eq!(pixel(&r, 15, 10), [1, 2, 3, 255]);
        r.resize(300, 200).unwrap();
        assert_eq!(r.pixels().as_ptr(), ptr);
        assert!(r.pixels().iter().all(|&p| p == 0), "cleared");
    }

    #[test]
    fn bad_records_are_skipped_and_nothing_panics() {
        let mut r = Raster::new();
        r.resize(64, 64).unwrap();
        let big = f32::MAX;
        let recs: Vec<f32> = [
            rec(STROKE, f32::NAN, 1.0, 2.0, 3.0, 1.0, [1.0; 3], 1.0),
            rec(STROKE, -big, -big, big, big, big, [300.0, -5.0, 1.0], 9.0),
            rec(STROKE, 10.0, 10.0, 10.0, 60.0, 2.0, [1.0; 3], 1.0),
            rec(STROKE, 60.0, 10.0, 5.0, 60.0, 2.0, [1.0; 3], 1.0),
            rec(BAND, 50.0, 0.0, -1e30, 1e30, 1e9, [1.0; 3], 1.0),
            rec(SWEEP, -1e9, -1e9, 1e9, 1e9, 0.0, [1.0; 3], 1.0),
            rec(7.0, 1.0, 1.0, 2.0, 2.0, 1.0, [1.0; 3], 1.0),
            vec![0.0, 1.0, 2.0],
        ]
        .concat();
        r.draw(&recs, 1.0);
        r.draw(&recs, f32::NAN);
        r.draw(&recs, -3.0);
        assert!(r.resize(MAX_SIDE + 1, 1).is_err());
        assert!(r.resize(MAX_SIDE, MAX_SIDE).is_err());
        assert_eq!((r.width(), r.height()), (64, 64));
        r.resize(0, 0).unwrap();
        r.draw(&recs, 1.0);
        assert!(r.pixels().is_empty());
    }
}
