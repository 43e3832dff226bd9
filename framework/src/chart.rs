//! Small charts of one value per day, drawn into RGBA pixels and encoded as PNG.
//!
//! "Show me my weight this month" reads better as a picture, but plotting crates
//! bring fonts and system libraries a local connector should not need. A day series
//! needs little: a frame, gridlines at round values labelled with a tiny built-in
//! digit font, a tick per day or per week, and the series as a line or as bars.
//! A missing day stays empty (a gap in the line, no bar), never a zero.

use jiff::ToSpan;
use jiff::civil::Date;

/// The smallest and largest side accepted, in pixels: smaller leaves no room for
/// the axes, larger costs memory for nothing a chat can show.
pub const MIN_SIDE: u32 = 100;
pub const MAX_SIDE: u32 = 4000;

pub const BACKGROUND: [u8; 4] = [255, 255, 255, 255];
pub const GRID: [u8; 4] = [226, 230, 235, 255];
pub const AXIS: [u8; 4] = [96, 103, 112, 255];
pub const SERIES: [u8; 4] = [33, 102, 172, 255];

/// How the values are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Points joined day to day; a missing day breaks the line.
    Line,
    /// One bar per day from zero (or the lowest value, if below zero).
    Bar,
}

/// One value per consecutive day, starting at `first_day`.
#[derive(Debug, Clone)]
pub struct DayChart<'a> {
    pub first_day: Date,
    pub values: &'a [Option<f64>],
    pub kind: ChartKind,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChartError {
    #[error("a chart is {MIN_SIDE} to {MAX_SIDE} pixels on each side, not {width}×{height}")]
    Size { width: u32, height: u32 },
    #[error("a chart needs at least one day")]
    NoDays,
    #[error("a value is not a finite number")]
    NotFinite,
    #[error("PNG encoding failed: {0}")]
    Encode(String),
}

/// RGBA pixels, row by row from the top left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Where things landed: maps days and values to pixel coordinates, so callers and
/// tests can find a point without re-deriving the layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plot {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    /// The value at the bottom and at the top of the plot area.
    pub y_min: f64,
    pub y_max: f64,
    pub days: usize,
}

impl Plot {
    /// The horizontal centre of day `index`'s slot.
    pub fn x_of(&self, index: usize) -> f64 {
        self.left + (index as f64 + 0.5) * self.slot()
    }

    pub fn y_of(&self, value: f64) -> f64 {
        let span = self.y_max - self.y_min;
        self.top + (self.y_max - value) / span * (self.bottom - self.top)
    }

    fn slot(&self) -> f64 {
        (self.right - self.left) / self.days as f64
    }
}

impl DayChart<'_> {
    pub fn render(&self) -> Result<(Canvas, Plot), ChartError> {
        let sides = MIN_SIDE..=MAX_SIDE;
        if !sides.contains(&self.width) || !sides.contains(&self.height) {
            return Err(ChartError::Size {
                width: self.width,
                height: self.height,
            });
        }
        if self.values.is_empty() {
            return Err(ChartError::NoDays);
        }
        if self.values.iter().flatten().any(|v| !v.is_finite()) {
            return Err(ChartError::NotFinite);
        }
        let scale = if self.width >= 400 && self.height >= 250 {
            2
        } else {
            1
        };
        let axis = YAxis::fit(self.values, self.kind);
        let labels: Vec<String> = axis.ticks().map(|v| axis.label(v)).collect();
        let widest = labels
            .iter()
            .map(|l| text_width(l, scale))
            .max()
            .unwrap_or(0);
        let plot = Plot {
            left: f64::from(8 + widest + 6),
            top: 12.0,
            right: f64::from(self.width) - 14.0,
            bottom: f64::from(self.height) - f64::from(8 + 5 * scale + 8),
            y_min: axis.min,
            y_max: axis.max,
            days: self.values.len(),
        };
        let mut canvas = Canvas::new(self.width, self.height, BACKGROUND);

        for (value, label) in axis.ticks().zip(&labels) {
            let y = plot.y_of(value).round();
            canvas.hline(plot.left, plot.right, y, GRID);
            let x = plot.left - 6.0 - f64::from(text_width(label, scale));
            canvas.text(x, y - f64::from(5 * scale) / 2.0, label, scale, AXIS);
        }
        self.draw_days(&mut canvas, &plot, scale);
        canvas.hline(plot.left, plot.right, plot.bottom.round(), AXIS);
        canvas.vline(plot.left.round(), plot.top, plot.bottom, AXIS);

        match self.kind {
            ChartKind::Line => draw_line(&mut canvas, &plot, self.values, scale),
            ChartKind::Bar => draw_bars(&mut canvas, &plot, self.values, axis.baseline()),
        }
        Ok((canvas, plot))
    }

    /// Ticks under the axis, one per day or per week, each labelled `MM-DD` when
    /// there is room.
    fn draw_days(&self, canvas: &mut Canvas, plot: &Plot, scale: u32) {
        let days = self.values.len();
        let every = match days {
            0..=16 => 1,
            17..=120 => 7,
            _ => 28,
        };
        let label_width = f64::from(text_width("00-00", scale));
        let room = every as f64 * plot.slot();
        let label_every = ((label_width + 8.0) / room).ceil().max(1.0) as usize;
        for (nth, index) in (0..days).step_by(every).enumerate() {
            let x = plot.x_of(index).round();
            canvas.vline(x, plot.top, plot.bottom, GRID);
            canvas.vline(x, plot.bottom, plot.bottom + 4.0, AXIS);
            if nth % label_every != 0 {
                continue;
            }
            let Ok(day) = self.first_day.checked_add((index as i64).days()) else {
                continue;
            };
            let label = format!("{:02}-{:02}", day.month(), day.day());
            let left =
                (x - label_width / 2.0).clamp(0.0, f64::from(canvas.width) - label_width - 1.0);
            canvas.text(left, plot.bottom + 7.0, &label, scale, AXIS);
        }
    }
}

impl Canvas {
    pub fn new(width: u32, height: u32, color: [u8; 4]) -> Self {
        let pixels = color
            .iter()
            .copied()
            .cycle()
            .take(width as usize * height as usize * 4)
            .collect();
        Self {
            width,
            height,
            pixels,
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = (y as usize * self.width as usize + x as usize) * 4;
        let bytes = self.pixels.get(at..at + 4)?;
        Some([bytes[0], bytes[1], bytes[2], bytes[3]])
    }

    pub fn to_png(&self) -> Result<Vec<u8>, ChartError> {
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, self.width, self.height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let encode = |error: png::EncodingError| ChartError::Encode(error.to_string());
        let mut writer = encoder.write_header().map_err(encode)?;
        writer.write_image_data(&self.pixels).map_err(encode)?;
        writer.finish().map_err(encode)?;
        Ok(bytes)
    }

    fn set(&mut self, x: i64, y: i64, color: [u8; 4]) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let at = (y as usize * self.width as usize + x as usize) * 4;
        if let Some(pixel) = self.pixels.get_mut(at..at + 4) {
            pixel.copy_from_slice(&color);
        }
    }

    /// Fills the pixels whose centres lie in `[x0, x1] × [y0, y1]`.
    fn fill(&mut self, x0: f64, y0: f64, x1: f64, y1: f64, color: [u8; 4]) {
        let (x0, x1) = (x0.min(x1).round() as i64, x0.max(x1).round() as i64);
        let (y0, y1) = (y0.min(y1).round() as i64, y0.max(y1).round() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                self.set(x, y, color);
            }
        }
    }

    fn hline(&mut self, x0: f64, x1: f64, y: f64, color: [u8; 4]) {
        self.fill(x0, y, x1, y, color);
    }

    fn vline(&mut self, x: f64, y0: f64, y1: f64, color: [u8; 4]) {
        self.fill(x, y0, x, y1, color);
    }

    /// A straight segment `thickness` pixels wide.
    fn segment(&mut self, from: (f64, f64), to: (f64, f64), thickness: u32, color: [u8; 4]) {
        let steps = (to.0 - from.0)
            .abs()
            .max((to.1 - from.1).abs())
            .ceil()
            .max(1.0) as usize;
        let half = f64::from(thickness.saturating_sub(1)) / 2.0;
        for step in 0..=steps {
            let t = step as f64 / steps as f64;
            let x = from.0 + (to.0 - from.0) * t;
            let y = from.1 + (to.1 - from.1) * t;
            self.fill(x - half, y - half, x + half, y + half, color);
        }
    }

    /// Writes `text` with its top left at `(x, y)`; characters without a glyph
    /// are skipped.
    fn text(&mut self, x: f64, y: f64, text: &str, scale: u32, color: [u8; 4]) {
        let (x, y, scale) = (x.round() as i64, y.round() as i64, i64::from(scale));
        for (nth, ch) in text.chars().enumerate() {
            let Some(rows) = glyph(ch) else { continue };
            let origin = x + nth as i64 * 4 * scale;
            for (row, bits) in rows.iter().enumerate() {
                for column in 0..3 {
                    if bits & (0b100 >> column) == 0 {
                        continue;
                    }
                    for dy in 0..scale {
                        for dx in 0..scale {
                            self.set(
                                origin + column * scale + dx,
                                y + row as i64 * scale + dy,
                                color,
                            );
                        }
                    }
                }
            }
        }
    }
}

fn draw_line(canvas: &mut Canvas, plot: &Plot, values: &[Option<f64>], scale: u32) {
    let point = |index: usize, value: f64| (plot.x_of(index), plot.y_of(value));
    for (index, pair) in values.windows(2).enumerate() {
        if let [Some(a), Some(b)] = pair {
            canvas.segment(point(index, *a), point(index + 1, *b), scale, SERIES);
        }
    }
    // A dot on every point, so a day between two gaps still shows.
    let radius = f64::from(scale + 1);
    for (index, value) in values.iter().enumerate() {
        if let Some(value) = value {
            let (x, y) = point(index, *value);
            canvas.fill(x - radius, y - radius, x + radius, y + radius, SERIES);
        }
    }
}

fn draw_bars(canvas: &mut Canvas, plot: &Plot, values: &[Option<f64>], baseline: f64) {
    let half = (plot.slot() * 0.35).max(0.5);
    for (index, value) in values.iter().enumerate() {
        if let Some(value) = value {
            let x = plot.x_of(index);
            canvas.fill(
                x - half,
                plot.y_of(baseline),
                x + half - 1.0,
                plot.y_of(*value),
                SERIES,
            );
        }
    }
}

/// The vertical scale: round bounds and a round step between gridlines.
#[derive(Debug, Clone, Copy, PartialEq)]
struct YAxis {
    min: f64,
    max: f64,
    step: f64,
}

/// Gridlines wanted; the round step gives between about 3 and 8.
const TARGET_GRIDLINES: f64 = 5.0;

impl YAxis {
    fn fit(values: &[Option<f64>], kind: ChartKind) -> Self {
        let present = values.iter().flatten().copied();
        let (mut low, mut high) = present
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        if !low.is_finite() {
            (low, high) = (0.0, 1.0);
        }
        if kind == ChartKind::Bar {
            low = low.min(0.0);
            high = high.max(0.0);
        }
        if (high - low).abs() < f64::EPSILON {
            // One distinct value: give it room around it (bars keep their zero).
            let pad = (high.abs() * 0.05).max(1.0);
            match kind {
                ChartKind::Bar => high = low + pad,
                ChartKind::Line => (low, high) = (low - pad, high + pad),
            }
        }
        let step = nice_step((high - low) / TARGET_GRIDLINES);
        let min = (low / step).floor() * step;
        let mut max = (high / step).ceil() * step;
        if max - min < step / 2.0 {
            max = min + step;
        }
        Self { min, max, step }
    }

    fn ticks(&self) -> impl Iterator<Item = f64> + use<> {
        let Self { min, max, step } = *self;
        let count = ((max - min) / step).round() as usize;
        (0..=count).map(move |n| min + n as f64 * step)
    }

    fn label(&self, value: f64) -> String {
        let decimals = (-self.step.log10().floor()).clamp(0.0, 3.0) as usize;
        let text = format!("{value:.decimals$}");
        // `-0` reads oddly on an axis.
        if text
            .trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            text.trim_start_matches('-').to_owned()
        } else {
            text
        }
    }

    /// Where bars start: zero when it is on the axis, else the bottom.
    fn baseline(&self) -> f64 {
        0.0f64.clamp(self.min, self.max)
    }
}

/// 1, 2 or 5 times a power of ten, the nearest at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let scaled = raw / magnitude;
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|n| scaled <= *n + 1e-9)
        .unwrap_or(10.0);
    nice * magnitude
}

fn text_width(text: &str, scale: u32) -> u32 {
    (text.chars().count() as u32 * 4).saturating_sub(1) * scale
}

/// A 3×5 glyph, one row per entry from the top, the high bit on the left.
fn glyph(ch: char) -> Option<[u8; 5]> {
    Some(match ch {
        '0' => [0b111, 0b101, 0b101, 0b101, 0b111],
        '1' => [0b010, 0b110, 0b010, 0b010, 0b111],
        '2' => [0b111, 0b001, 0b111, 0b100, 0b111],
        '3' => [0b111, 0b001, 0b111, 0b001, 0b111],
        '4' => [0b101, 0b101, 0b111, 0b001, 0b001],
        '5' => [0b111, 0b100, 0b111, 0b001, 0b111],
        '6' => [0b111, 0b100, 0b111, 0b101, 0b111],
        '7' => [0b111, 0b001, 0b001, 0b001, 0b001],
        '8' => [0b111, 0b101, 0b111, 0b101, 0b111],
        '9' => [0b111, 0b101, 0b111, 0b001, 0b111],
        '.' => [0b000, 0b000, 0b000, 0b000, 0b010],
        '-' => [0b000, 0b000, 0b111, 0b000, 0b000],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn chart(values: &[Option<f64>], kind: ChartKind) -> (Canvas, Plot) {
        DayChart {
            first_day: date(2026, 6, 1),
            values,
            kind,
            width: 400,
            height: 200,
        }
        .render()
        .expect("renders")
    }

    fn at(canvas: &Canvas, x: f64, y: f64) -> [u8; 4] {
        canvas
            .pixel(x.round() as u32, y.round() as u32)
            .expect("inside")
    }

    /// Whether any pixel of column `x` between the plot's top and bottom is the
    /// series colour.
    fn column_has_series(canvas: &Canvas, plot: &Plot, x: f64) -> bool {
        (plot.top as u32..plot.bottom as u32)
            .any(|y| canvas.pixel(x.round() as u32, y) == Some(SERIES))
    }

    #[test]
    fn a_line_passes_through_its_points_and_breaks_at_a_missing_day() {
        let values = [Some(70.0), Some(72.0), None, Some(71.0), Some(74.0)];
        let (canvas, plot) = chart(&values, ChartKind::Line);
        assert_eq!(canvas.pixels.len(), 400 * 200 * 4);
        assert_eq!(canvas.pixel(0, 0), Some(BACKGROUND));
        assert_eq!(canvas.pixel(399, 199), Some(BACKGROUND));
        for (index, value) in values.iter().enumerate() {
            if let Some(value) = value {
                assert_eq!(at(&canvas, plot.x_of(index), plot.y_of(*value)), SERIES);
            }
        }
        // Halfway between days 0 and 1 the segment is there...
        let mid_x = (plot.x_of(0) + plot.x_of(1)) / 2.0;
        assert_eq!(at(&canvas, mid_x, plot.y_of(71.0)), SERIES);
        // ...but nothing is drawn over the missing day, nor halfway to it.
        assert!(!column_has_series(&canvas, &plot, plot.x_of(2)));
        assert!(!column_has_series(
            &canvas,
            &plot,
            (plot.x_of(1) + plot.x_of(2)) / 2.0
        ));
        assert!(plot.y_min <= 70.0 && plot.y_max >= 74.0);
    }

    #[test]
    fn bars_rise_from_zero_and_a_missing_day_has_none() {
        let values = [Some(8000.0), None, Some(12000.0)];
        let (canvas, plot) = chart(&values, ChartKind::Bar);
        assert_eq!(plot.y_min, 0.0, "bars start at zero");
        assert_eq!(at(&canvas, plot.x_of(0), plot.y_of(4000.0)), SERIES);
        assert_eq!(at(&canvas, plot.x_of(2), plot.y_of(11000.0)), SERIES);
        assert_ne!(
            at(&canvas, plot.x_of(0), plot.y_of(10000.0)),
            SERIES,
            "the first bar stops at its value"
        );
        assert!(!column_has_series(&canvas, &plot, plot.x_of(1)));
    }

    #[test]
    fn gridlines_sit_at_round_values() {
        let axis = YAxis::fit(&[Some(71.3), Some(78.9)], ChartKind::Line);
        assert_eq!((axis.min, axis.max, axis.step), (70.0, 80.0, 2.0));
        assert_eq!(axis.label(72.0), "72");
        let small = YAxis::fit(&[Some(0.12), Some(0.31)], ChartKind::Line);
        assert_eq!(small.label(0.15), "0.15");
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(130.0), 200.0);
    }

    #[test]
    fn no_data_still_draws_the_frame() {
        let (canvas, plot) = chart(&[None, None, None], ChartKind::Line);
        assert_eq!(at(&canvas, plot.left, plot.bottom), AXIS);
        assert!(canvas.pixels.chunks(4).all(|p| p != SERIES));
    }

    #[test]
    fn sizes_out_of_bounds_and_empty_series_are_refused() {
        let values = [Some(1.0)];
        let mut spec = DayChart {
            first_day: date(2026, 6, 1),
            values: &values,
            kind: ChartKind::Line,
            width: 50,
            height: 200,
        };
        assert!(matches!(spec.render(), Err(ChartError::Size { .. })));
        spec.width = 300;
        spec.values = &[];
        assert_eq!(spec.render().unwrap_err(), ChartError::NoDays);
        spec.values = &[Some(f64::NAN)];
        assert_eq!(spec.render().unwrap_err(), ChartError::NotFinite);
    }

    #[test]
    fn the_png_decodes_to_the_same_pixels() {
        let (canvas, _) = chart(&[Some(1.0), Some(3.0), Some(2.0)], ChartKind::Line);
        let bytes = canvas.to_png().unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buffer).unwrap();
        assert_eq!((info.width, info.height), (400, 200));
        assert_eq!(info.color_type, png::ColorType::Rgba);
        assert_eq!(&buffer[..info.buffer_size()], canvas.pixels.as_slice());
    }
}
