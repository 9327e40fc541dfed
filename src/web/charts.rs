//! The monitoring charts, drawn on the server as SVG with plotters: requests by month, and the
//! median time to a first answer. They follow the table's rules: a count under 5 is drawn as
//! a dashed outline up to 5 ("somewhere below five"), never as its value; a median of fewer
//! than 5 requests is not drawn. Text is left to the browser's fonts (plotters' SVG backend
//! writes `<text>`; nothing is looked up on the server).

use plotters::prelude::*;

use crate::domain::monitoring::{Figure, Table};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 320;
const BLUE: RGBColor = RGBColor(42, 106, 216);
const ORANGE: RGBColor = RGBColor(214, 120, 20);
const GREY: RGBColor = RGBColor(120, 128, 140);

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
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = series
            .iter()
            .flat_map(|(_, b, _)| b.iter().map(|b| height(*b)))
            .fold(5.0_f64, f64::max)
            * 1.15;
        // Each month is 20 units wide; its label sits at its middle (a key point every 10).
        let n = months.len().max(1) as i32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0i32..20 * n, 0f64..top)
            .map_err(|e| e.to_string())?;
        let labels: Vec<String> = months.to_vec();
        let every = if n > 12 { (n as usize).div_ceil(12) } else { 1 };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_max_light_lines(0)
            .x_labels(2 * n as usize + 1)
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
pub fn requests(table: &Table, title: &str, help: &str, expert: &str) -> Result<String, String> {
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
    )
}

/// The median hours to a first answer, by month (where at least 5 requests were answered).
pub fn answers(table: &Table, title: &str, median: &str) -> Result<String, String> {
    let n = table.months.len();
    grouped(
        title,
        &table.months,
        &[(
            median.to_string(),
            bars(figure(table, "help.first_answer_h.median"), n),
            BLUE,
        )],
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
        let svg = requests(&table(), "Запити", "Допомога", "Тренери").unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..60.min(svg.len())]);
        assert!(svg.contains("Запити") && svg.contains("2026-12"));
        // The month with fewer than 5 is an outline, not a filled bar of its value.
        assert!(svg.contains("stroke-dasharray") || svg.contains("fill=\"none\""));
        let svg = answers(&table(), "Відповідь", "Медіана").unwrap();
        assert!(svg.contains("Медіана"));
    }
}
