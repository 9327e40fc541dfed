//! The monitoring charts, drawn on the server as SVG with plotters: requests by month, and the
//! median time to a first answer. They follow the table's rules: a count under 5 is drawn as
//! a dashed outline up to 5 ("somewhere below five"), never as its value; a median of fewer
//! than 5 requests is not drawn. Text is left to the browser's fonts (plotters' SVG backend
//! writes `<text>`; nothing is looked up on the server). A chart is drawn at the width the
//! page shows it at (`Size`), so that on a phone its labels are not shrunk with it.

use plotters::prelude::*;

use crate::domain::monitoring::{Figure, Table};

/// The widest chart (the page never shows one wider) and the narrowest drawn.
const WIDEST: u32 = 720;
const NARROWEST: u32 = 300;
/// Text sizes in pixels, at the chart's own scale.
const CAPTION_PX: u32 = 17;
const LABEL_PX: u32 = 13;
/// Room above the tallest bar, for the legend in the upper left (two lines of it).
const HEADROOM: f64 = 1.45;
/// Room for one month's label ("2026-12" at `LABEL_PX`, with a gap).
const LABEL_ROOM: u32 = 60;
const BLUE: RGBColor = RGBColor(42, 106, 216);
const ORANGE: RGBColor = RGBColor(214, 120, 20);
const GREY: RGBColor = RGBColor(120, 128, 140);

/// The width in pixels a chart is drawn at: the width the page shows it at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    width: u32,
}

impl Size {
    pub const WIDE: Size = Size { width: WIDEST };

    /// The width the page asked for (`w`), within 300–720 pixels; none, or not a number, is
    /// the wide chart.
    pub fn shown_at(width: Option<&str>) -> Size {
        match width.and_then(|w| w.trim().parse::<u32>().ok()) {
            Some(w) => Size {
                width: w.clamp(NARROWEST, WIDEST),
            },
            None => Size::WIDE,
        }
    }

    fn height(self) -> u32 {
        (self.width * 4 / 9).max(240)
    }

    /// How many month labels fit under the chart.
    fn labels(self) -> usize {
        (self.width / LABEL_ROOM).max(1) as usize
    }
}

/// A month's bar: an exact count, or "under five".
#[derive(Clone, Copy)]
enum Bar {
    Exact(f64),
    UnderFive,
    None,
}

fn bars(figure: Option<&Figure>, months: usize) -> Vec<Bar> {
    match figure {
        None => vec![Bar::Exact(0.0); months],
        Some(f) => f
            .months
            .iter()
            .map(|v| match v.as_str() {
                "<5" => Bar::UnderFive,
                "" => Bar::None,
                v => v
                    .trim_start_matches(['≤', '>'])
                    .parse::<f64>()
                    .map(Bar::Exact)
                    .unwrap_or(Bar::None),
            })
            .collect(),
    }
}

fn height(b: Bar) -> f64 {
    match b {
        Bar::Exact(v) => v,
        Bar::UnderFive => 5.0,
        Bar::None => 0.0,
    }
}

/// Draws grouped bars (one series per figure) for each month.
fn grouped(
    title: &str,
    months: &[String],
    series: &[(String, Vec<Bar>, RGBColor)],
    size: Size,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (size.width, size.height())).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = series
            .iter()
            .flat_map(|(_, b, _)| b.iter().map(|b| height(*b)))
            .fold(5.0_f64, f64::max)
            * HEADROOM;
        // Each month is 20 units wide; its label sits at its middle (a key point every 10).
        let n = months.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", CAPTION_PX))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0i32..20 * n, 0f64..top)
            .map_err(|e| e.to_string())?;
        let labels: Vec<String> = months.to_vec();
        let every = (n as usize).div_ceil(size.labels()).max(1);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_max_light_lines(0)
            .x_labels(2 * n as usize + 1)
            .x_label_style(("sans-serif", LABEL_PX))
            .y_label_style(("sans-serif", LABEL_PX))
            .x_label_formatter(&|x| {
                let i = (x / 20) as usize;
                if x % 20 == 10 && i.is_multiple_of(every) {
                    labels.get(i).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(|e| e.to_string())?;
        let width = 16 / series.len().max(1) as i32;
        let mut labelled = false;
        for (k, (name, values, color)) in series.iter().enumerate() {
            let color = *color;
            let mut first = true;
            for (i, bar) in values.iter().enumerate() {
                let x0 = 20 * i as i32 + 2 + k as i32 * width;
                let x1 = x0 + width - 1;
                let shape = match bar {
                    Bar::Exact(v) => Rectangle::new([(x0, 0.0), (x1, *v)], color.filled()),
                    Bar::UnderFive => Rectangle::new([(x0, 0.0), (x1, 5.0)], GREY.stroke_width(1)),
                    Bar::None => continue,
                };
                let drawn = chart
                    .draw_series(std::iter::once(shape))
                    .map_err(|e| e.to_string())?;
                if first {
                    drawn.label(name.clone()).legend(move |(x, y)| {
                        Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                    });
                    first = false;
                    labelled = true;
                }
            }
        }
        if labelled {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .label_font(("sans-serif", LABEL_PX))
                .background_style(WHITE.mix(0.9))
                .border_style(GREY)
                .draw()
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

fn figure<'a>(table: &'a Table, metric: &str) -> Option<&'a Figure> {
    table.figures.iter().find(|f| f.metric == metric)
}

/// Help requests and requests for trainers, by month.
pub fn requests(
    table: &Table,
    title: &str,
    help: &str,
    expert: &str,
    size: Size,
) -> Result<String, String> {
    let n = table.months.len();
    grouped(
        title,
        &table.months,
        &[
            (
                help.to_string(),
                bars(figure(table, "help.submitted"), n),
                BLUE,
            ),
            (
                expert.to_string(),
                bars(figure(table, "expert.submitted"), n),
                ORANGE,
            ),
        ],
        size,
    )
}

/// The median hours to a first answer, by month (where at least 5 requests were answered).
pub fn answers(table: &Table, title: &str, median: &str, size: Size) -> Result<String, String> {
    let n = table.months.len();
    grouped(
        title,
        &table.months,
        &[(
            median.to_string(),
            bars(figure(table, "help.first_answer_h.median"), n),
            BLUE,
        )],
        size,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            months: vec!["2026-11".into(), "2026-12".into()],
            figures: vec![
                Figure {
                    metric: "help.submitted".into(),
                    months: vec!["<5".into(), "12".into()],
                    total: "14".into(),
                },
                Figure {
                    metric: "help.first_answer_h.median".into(),
                    months: vec![String::new(), "≤24".into()],
                    total: "≤24".into(),
                },
            ],
        }
    }

    #[test]
    fn a_chart_is_an_svg_with_its_labels_and_no_small_count() {
        let svg = requests(&table(), "Запити", "Допомога", "Тренери", Size::WIDE).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60.min(svg.len())]);
        assert!(svg.contains("Запити") && svg.contains("2026-12"));
        // The month with fewer than 5 is an outline, not a filled bar of its value.
        assert!(svg.contains("stroke-dasharray") || svg.contains("fill=\"none\""));
        let svg = answers(&table(), "Відповідь", "Медіана", Size::WIDE).unwrap();
        assert!(svg.contains("Медіана"));
    }

    #[test]
    fn a_chart_is_drawn_at_the_width_it_is_shown_at_within_bounds() {
        let width = |size: Size| {
            let svg = requests(&table(), "Запити", "Допомога", "Тренери", size).unwrap();
            let at = svg.find("width=\"").unwrap() + 7;
            svg[at..].split('"').next().unwrap().to_string()
        };
        assert_eq!(width(Size::shown_at(Some("360"))), "360");
        assert_eq!(
            width(Size::shown_at(Some("100"))),
            "300",
            "no narrower than 300"
        );
        assert_eq!(
            width(Size::shown_at(Some("5000"))),
            "720",
            "no wider than 720"
        );
        for bad in [None, Some(""), Some("wide"), Some("-1")] {
            assert_eq!(Size::shown_at(bad), Size::WIDE, "{bad:?}");
        }
    }

    #[test]
    fn a_narrow_chart_labels_fewer_months_so_that_they_do_not_overlap() {
        let months: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
        let t = Table {
            months: months.clone(),
            figures: vec![],
        };
        let labelled = |size: Size| {
            let svg = answers(&t, "Відповідь", "Медіана", size).unwrap();
            months.iter().filter(|m| svg.contains(m.as_str())).count()
        };
        assert_eq!(labelled(Size::WIDE), 12);
        assert_eq!(labelled(Size::shown_at(Some("360"))), 6);
    }
}
