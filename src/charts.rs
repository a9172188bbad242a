//! Our own SVG charts: labelled axes, Swedish number formats, a title and a text alternative, a
//! table view, and saving as SVG or PNG. Colours are presentation attributes (no inline styles,
//! which the CSP forbids) and differ in lightness, so they read in greyscale and in print.

use crate::download;
use crate::views::Fold;
use leptos::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

pub const INK: &str = "#1b1f24";
pub const MUTED: &str = "#4a5561";
pub const GRID: &str = "#d5dde6";
pub const LIGHT: &str = "#9cbfe0";
pub const DARK: &str = "#1f4e79";
pub const ACCENT: &str = "#b35c00";
/// Colours for further lines (dashed): distinct from [`DARK`] and from each other, each at least
/// 3:1 against white.
pub const OTHERS: [&str; 5] = ["#b35c00", "#2e7d4f", "#7a4d9b", "#a33b3b", "#5f6b78"];

const WIDTH: f64 = 760.0;

/// How values are written on axes and labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Kr,
    Percent,
    /// A year: no digit grouping.
    Year,
    /// A month of the year, 1–12: its short name.
    Month,
    /// A score or other plain number with up to one decimal.
    Plain,
}

impl Unit {
    /// The chart unit of a nyckeltal's unit ("kr/timme", "%", "dygn" …).
    pub fn of_figure(unit: kpb::report::FigureUnit) -> Unit {
        if unit.is_money() {
            Unit::Kr
        } else if unit == kpb::report::FigureUnit::Procent {
            Unit::Percent
        } else {
            Unit::Plain
        }
    }

    pub fn format(self, v: Decimal) -> String {
        match self {
            Unit::Kr => kpb::format::kr(v),
            Unit::Percent => kpb::format::percent(v),
            Unit::Year => v.trunc().to_string(),
            Unit::Month => month_short(v.trunc().to_u8().unwrap_or(0)),
            Unit::Plain => kpb::format::number(v, if v.fract().is_zero() { 0 } else { 1 }),
        }
    }

    /// An axis label for `v`, formatted alike on the whole axis (`ticks`): one scale (kr, tkr or
    /// mnkr) and as many decimals as the step needs (2,5 stays 2,5).
    fn tick(self, v: f64, ticks: &[f64]) -> String {
        let step = ticks.windows(2).map(|w| (w[1] - w[0]).abs()).fold(f64::MAX, f64::min);
        let step = if step == f64::MAX { 1.0 } else { step };
        let decimals = |step: f64| {
            (0..3u32)
                .find(|k| {
                    let scaled = step * 10f64.powi(*k as i32);
                    (scaled - scaled.round()).abs() < 1e-6
                })
                .unwrap_or(2)
        };
        let d = |x: f64| Decimal::from_f64_retain(x).unwrap_or_default();
        let number = kpb::format::number;
        match self {
            Unit::Kr => {
                let max = ticks.iter().fold(v.abs(), |m, t| m.max(t.abs()));
                let (div, suffix) = if max >= 10_000_000.0 {
                    (1e6, "mnkr")
                } else if max >= 100_000.0 {
                    (1e3, "tkr")
                } else {
                    (1.0, "kr")
                };
                format!("{}\u{a0}{suffix}", number(d(v / div), decimals(step / div)))
            }
            Unit::Percent => format!("{}\u{a0}%", number(d(v), decimals(step))),
            Unit::Plain => number(d(v), decimals(step)),
            Unit::Year => format!("{}", v.round() as i64),
            Unit::Month => month_short(v.round() as u8),
        }
    }

    /// Whether the axis counts whole steps (years, months): a tick and a marker on each.
    fn is_discrete(self) -> bool {
        matches!(self, Unit::Year | Unit::Month)
    }
}

/// "jan", "feb" … for a month 1–12.
pub fn month_short(m: u8) -> String {
    kpb::date::month_name(m).chars().take(3).collect()
}

/// "Nice" axis ticks from 0 (or below) to at least `max`: (ticks, bottom, top of the axis).
pub fn ticks(min: f64, max: f64, count: usize) -> (Vec<f64>, f64, f64) {
    let (lo, hi) = (min.min(0.0), max.max(0.0));
    ticks_between(lo, if hi > lo { hi } else { lo + 1.0 }, count)
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Decimal,
    /// Drawn dark (e.g. above the municipality's level).
    pub emphasis: bool,
    /// A short note after the value ("lägst", "högst").
    pub note: Option<String>,
}

/// A horizontal bar chart with an optional reference line (e.g. the municipality's level).
#[component]
pub fn BarChart(
    /// Stable id, used for the element ids and the file names when saving.
    id: String,
    title: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    description: String,
    unit: Unit,
    /// What the values are, for the axis and the table ("Kr per timme").
    value_label: String,
    bars: Vec<Bar>,
    /// A vertical line and its label.
    #[prop(default = None)]
    reference: Option<(String, Decimal)>,
    /// Column header of the labels in the table view.
    #[prop(default = "Enhet".to_owned())]
    label_header: String,
) -> impl IntoView {
    let max_label = bars.iter().map(|b| b.label.chars().count()).max().unwrap_or(4);
    let left = (max_label as f64 * 7.7 + 24.0).clamp(80.0, 300.0);
    let right = 150.0;
    let top = 34.0;
    let bar_h = 22.0;
    let gap = 10.0;
    let plot_w = WIDTH - left - right;
    let height = top + bars.len() as f64 * (bar_h + gap) + 36.0;
    let values: Vec<f64> = bars.iter().map(|b| f(b.value)).chain(reference.iter().map(|r| f(r.1))).collect();
    let (tick_values, lo, hi) =
        ticks(values.iter().copied().fold(0.0, f64::min), values.iter().copied().fold(0.0, f64::max), 5);
    let x = move |v: f64| left + (v - lo) / (hi - lo) * plot_w;
    let bottom = top + bars.len() as f64 * (bar_h + gap);

    let grid = tick_values
        .iter()
        .map(|&t| {
            view! {
                <line x1=x(t) x2=x(t) y1=top - 6.0 y2=bottom stroke=GRID stroke-width="1" />
                <text x=x(t) y=bottom + 18.0 text-anchor="middle" font-size="12" fill=MUTED>
                    {unit.tick(t, &tick_values)}
                </text>
            }
        })
        .collect_view();
    let bar_views = bars
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let y = top + i as f64 * (bar_h + gap);
            let v = f(b.value);
            let (x0, x1) = if v >= 0.0 { (x(0.0), x(v)) } else { (x(v), x(0.0)) };
            let value = match unit {
                Unit::Kr => format!("{} kr", unit.format(b.value)),
                _ => unit.format(b.value),
            };
            let text = match &b.note {
                Some(n) => format!("{value} ({n})"),
                None => value,
            };
            view! {
                <g>
                    <text x=left - 8.0 y=y + bar_h * 0.68 text-anchor="end" font-size="13" fill=INK>
                        {b.label.clone()}
                    </text>
                    <rect
                        class="bar"
                        x=x0
                        y=y
                        width=(x1 - x0).max(1.0)
                        height=bar_h
                        fill=if b.emphasis { DARK } else { LIGHT }
                        stroke=DARK
                        stroke-width="0.5"
                    />
                    <text
                        x=x1.max(x0) + 6.0
                        y=y + bar_h * 0.68
                        font-size="12.5"
                        fill=INK
                        stroke="#ffffff"
                        stroke-width="4"
                        paint-order="stroke"
                    >
                        {text}
                    </text>
                </g>
            }
        })
        .collect_view();
    let reference_view = reference.clone().map(|(label, value)| {
        let rx = x(f(value));
        view! {
            <line x1=rx x2=rx y1=top - 10.0 y2=bottom + 2.0 stroke=ACCENT stroke-width="2" stroke-dasharray="6 4" />
            <text x=rx y=top - 14.0 text-anchor="middle" font-size="12" font-weight="600" fill=ACCENT>
                {format!("{label}: {}{}", unit.format(value), if unit == Unit::Kr { " kr" } else { "" })}
            </text>
        }
    });
    let mut rows: Vec<(String, String)> = bars.iter().map(|b| (b.label.clone(), unit.format(b.value))).collect();
    rows.extend(reference.map(|(label, value)| (label, unit.format(value))));
    view! {
        <ChartFrame id=id title=title description=description height=height headers=(label_header, value_label.clone()) rows=rows>
            {grid}
            <line x1=x(0.0) x2=x(0.0) y1=top - 6.0 y2=bottom stroke=INK stroke-width="1" />
            {reference_view}
            {bar_views}
            <text x=left + plot_w / 2.0 y=height - 2.0 text-anchor="middle" font-size="12" fill=MUTED>
                {value_label}
            </text>
        </ChartFrame>
    }
}

/// One line of a line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(Decimal, Decimal)>,
    pub dashed: bool,
    pub color: &'static str,
}

/// A line chart with labelled axes and the legend below.
#[component]
pub fn LineChart(
    id: String,
    title: String,
    description: String,
    x_unit: Unit,
    y_unit: Unit,
    x_label: String,
    y_label: String,
    series: Vec<Series>,
    /// Points to mark and label on the first series (x values).
    #[prop(optional)]
    marks: Vec<Decimal>,
    /// Rows of the table view: (label, value) pairs; defaults to the first series' points.
    #[prop(optional)]
    table: Vec<(String, String)>,
) -> impl IntoView {
    let (left, right, top, bottom_pad) = (84.0, 24.0, 20.0, 50.0);
    let legend_h = if series.len() > 1 { series.len().div_ceil(2) as f64 * 18.0 + 8.0 } else { 0.0 };
    let height = 380.0 + legend_h;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom_pad - legend_h;
    let xs: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| f(p.0))).collect();
    let ys: Vec<f64> = series.iter().flat_map(|s| s.points.iter().map(|p| f(p.1))).collect();
    let (xt, x_lo, x_hi) = if x_unit.is_discrete() {
        // Years or months: one tick each, from the first to the last.
        let lo = xs.iter().copied().fold(f64::MAX, f64::min);
        let hi = xs.iter().copied().fold(f64::MIN, f64::max).max(lo + 1.0);
        ((lo as i64..=hi as i64).map(|y| y as f64).collect(), lo - 0.3, hi + 0.3)
    } else {
        ticks(0.0, xs.iter().copied().fold(0.0, f64::max), 10)
    };
    // Over the years the change is the point: when the values lie close together the axis starts
    // near them (and says so), otherwise at 0.
    let y_min = ys.iter().copied().fold(f64::MAX, f64::min);
    let y_max = ys.iter().copied().fold(0.0, f64::max);
    let (yt, y_lo, y_hi) = if x_unit.is_discrete() && y_min > 0.0 && y_max - y_min < y_max * 0.5 {
        let pad = ((y_max - y_min) * 0.3).max(y_max * 0.03);
        ticks_between((y_min - pad).max(0.0), y_max + pad, 5)
    } else {
        ticks(0.0, y_max, 5)
    };
    let axis_note = (y_lo > 0.0).then(|| format!("Obs: axeln börjar vid {}", y_unit.tick(y_lo, &yt)));
    let sx = move |v: f64| left + (v - x_lo) / (x_hi - x_lo) * plot_w;
    let sy = move |v: f64| top + plot_h - (v - y_lo) / (y_hi - y_lo) * plot_h;
    let grid = view! {
        {yt.iter()
            .map(|&t| {
                view! {
                    <line x1=left x2=left + plot_w y1=sy(t) y2=sy(t) stroke=GRID stroke-width="1" />
                    <text x=left - 8.0 y=sy(t) + 4.0 text-anchor="end" font-size="12" fill=MUTED>
                        {y_unit.tick(t, &yt)}
                    </text>
                }
            })
            .collect_view()}
        {xt.iter()
            .map(|&t| {
                view! {
                    <line x1=sx(t) x2=sx(t) y1=top + plot_h y2=top + plot_h + 5.0 stroke=INK stroke-width="1" />
                    <text x=sx(t) y=top + plot_h + 19.0 text-anchor="middle" font-size="12" fill=MUTED>
                        {x_unit.tick(t, &xt)}
                    </text>
                }
            })
            .collect_view()}
    };
    let lines = series
        .iter()
        .map(|s| {
            let d = s
                .points
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, sx(f(p.0)), sy(f(p.1))))
                .collect::<String>();
            // Markers on each year or month, so that a single one shows too.
            let dots = x_unit.is_discrete()
                .then(|| {
                    s.points
                        .iter()
                        .map(|p| view! { <circle cx=sx(f(p.0)) cy=sy(f(p.1)) r="3.5" fill=s.color stroke="#ffffff" stroke-width="1" /> })
                        .collect_view()
                });
            view! {
                <path
                    d=d
                    fill="none"
                    stroke=s.color
                    stroke-width=if s.dashed { "1.5" } else { "2.5" }
                    stroke-dasharray=if s.dashed { "6 5" } else { "none" }
                />
                {dots}
            }
        })
        .collect_view();
    let first = series.first().cloned();
    let mark_views = first.as_ref().map(|s| {
        marks
            .iter()
            .filter_map(|m| s.points.iter().find(|p| p.0 == *m))
            .map(|p| {
                let (px, py) = (sx(f(p.0)), sy(f(p.1)));
                view! {
                    <circle cx=px cy=py r="4" fill=DARK stroke="#ffffff" stroke-width="1.5" />
                    <text x=px + 7.0 y=py + 15.0 font-size="12" fill=INK>
                        {format!("{} → {}", x_unit.tick(f(p.0), &[]), y_unit.format(p.1))}
                    </text>
                }
            })
            .collect_view()
    });
    let legend = (series.len() > 1).then(|| {
        series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // Below the plot, two to a row.
                let y = top + plot_h + bottom_pad + 4.0 + (i / 2) as f64 * 18.0;
                let x0 = left + (i % 2) as f64 * plot_w / 2.0;
                view! {
                    <line
                        x1=x0
                        x2=x0 + 24.0
                        y1=y
                        y2=y
                        stroke=s.color
                        stroke-width="2.5"
                        stroke-dasharray=if s.dashed { "6 5" } else { "none" }
                    />
                    <text x=x0 + 30.0 y=y + 4.0 font-size="12" fill=INK>
                        {s.name.clone()}
                    </text>
                }
            })
            .collect_view()
    });
    let rows = if table.is_empty() {
        first.map(|s| s.points.iter().map(|p| (x_unit.format(p.0), y_unit.format(p.1))).collect()).unwrap_or_default()
    } else {
        table
    };
    view! {
        <ChartFrame id=id title=title description=description height=height headers=(x_label.clone(), y_label.clone()) rows=rows>
            {grid}
            <line x1=left x2=left + plot_w y1=top + plot_h y2=top + plot_h stroke=INK stroke-width="1" />
            <line x1=left x2=left y1=top y2=top + plot_h stroke=INK stroke-width="1" />
            {lines}
            {mark_views}
            {legend}
            <text x=left + plot_w / 2.0 y=top + plot_h + 40.0 text-anchor="middle" font-size="12" fill=MUTED>
                {x_label}
            </text>
            {axis_note.map(|note| view! {
                <text x=left y=top + plot_h + 40.0 font-size="11.5" font-style="italic" fill=MUTED>{note}</text>
            })}
            <text
                x=14
                y=top + plot_h / 2.0
                text-anchor="middle"
                font-size="12"
                fill=MUTED
                transform=format!("rotate(-90 14 {})", top + plot_h / 2.0)
            >
                {y_label}
            </text>
        </ChartFrame>
    }
}

/// One point of a scatter chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    pub label: String,
    pub x: Decimal,
    pub y: Decimal,
}

/// A scatter chart with labelled points (e.g. cost against quality per unit).
#[component]
pub fn ScatterChart(
    id: String,
    title: String,
    description: String,
    x_unit: Unit,
    y_unit: Unit,
    x_label: String,
    y_label: String,
    points: Vec<Point>,
) -> impl IntoView {
    let (left, right, top, bottom_pad) = (70.0, 30.0, 24.0, 52.0);
    let height = 400.0;
    let plot_w = WIDTH - left - right;
    let plot_h = height - top - bottom_pad;
    let span = |vals: Vec<f64>| {
        let lo = vals.iter().copied().fold(f64::MAX, f64::min);
        let hi = vals.iter().copied().fold(f64::MIN, f64::max);
        let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.02).max(1.0);
        ticks_between(lo - pad, hi + pad, 5)
    };
    let (xt, x_lo, x_hi) = span(points.iter().map(|p| f(p.x)).collect());
    let (yt, y_lo, y_hi) = span(points.iter().map(|p| f(p.y)).collect());
    let sx = move |v: f64| left + (v - x_lo) / (x_hi - x_lo) * plot_w;
    let sy = move |v: f64| top + plot_h - (v - y_lo) / (y_hi - y_lo) * plot_h;
    let grid = view! {
        {yt.iter()
            .map(|&t| view! {
                <line x1=left x2=left + plot_w y1=sy(t) y2=sy(t) stroke=GRID stroke-width="1" />
                <text x=left - 8.0 y=sy(t) + 4.0 text-anchor="end" font-size="12" fill=MUTED>{y_unit.tick(t, &yt)}</text>
            })
            .collect_view()}
        {xt.iter()
            .map(|&t| view! {
                <line x1=sx(t) x2=sx(t) y1=top y2=top + plot_h stroke=GRID stroke-width="1" />
                <text x=sx(t) y=top + plot_h + 19.0 text-anchor="middle" font-size="12" fill=MUTED>{x_unit.tick(t, &xt)}</text>
            })
            .collect_view()}
    };
    let dots = points
        .iter()
        .map(|p| {
            let (cx, cy) = (sx(f(p.x)), sy(f(p.y)));
            view! {
                <circle cx=cx cy=cy r="6" fill=DARK stroke="#ffffff" stroke-width="1.5" />
                <text x=cx + 9.0 y=cy + 4.0 font-size="12" fill=INK stroke="#ffffff" stroke-width="4" paint-order="stroke">
                    {p.label.clone()}
                </text>
            }
        })
        .collect_view();
    let rows =
        points.iter().map(|p| (p.label.clone(), format!("{} · {}", x_unit.format(p.x), y_unit.format(p.y)))).collect();
    view! {
        <ChartFrame id=id title=title description=description height=height headers=("Enhet".to_owned(), format!("{x_label} · {y_label}")) rows=rows>
            {grid}
            <line x1=left x2=left + plot_w y1=top + plot_h y2=top + plot_h stroke=INK stroke-width="1" />
            <line x1=left x2=left y1=top y2=top + plot_h stroke=INK stroke-width="1" />
            {dots}
            <text x=left + plot_w / 2.0 y=height - 8.0 text-anchor="middle" font-size="12" fill=MUTED>{x_label}</text>
            <text x=16 y=top + plot_h / 2.0 text-anchor="middle" font-size="12" fill=MUTED transform=format!("rotate(-90 16 {})", top + plot_h / 2.0)>
                {y_label}
            </text>
        </ChartFrame>
    }
}

/// Nice ticks between two values (not forced to include 0).
pub fn ticks_between(lo: f64, hi: f64, count: usize) -> (Vec<f64>, f64, f64) {
    let span = (hi - lo).max(1e-9);
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let start = (lo / step).floor() * step;
    let end = (hi / step).ceil() * step;
    let n = ((end - start) / step).round() as usize;
    ((0..=n).map(|i| start + i as f64 * step).collect(), start, end)
}

/// What every chart has: a caption, the SVG with its title and text alternative, the buttons to
/// save it, and the same data as a table.
#[component]
fn ChartFrame(
    id: String,
    title: String,
    description: String,
    height: f64,
    /// Column headers of the table view.
    headers: (String, String),
    rows: Vec<(String, String)>,
    children: Children,
) -> impl IntoView {
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let title_id = format!("{id}-titel");
    let desc_id = format!("{id}-beskrivning");
    let labelled_by = format!("{title_id} {desc_id}");
    let test_id = format!("chart-{id}");
    view! {
        <figure class="chart" data-testid=test_id>
            <figcaption>
                <span class="chart-title">{title.clone()}</span>
                <span class="chart-desc">{description.clone()}</span>
            </figcaption>
            <div class="chart-plot">
                <svg
                    node_ref=svg_ref
                    xmlns="http://www.w3.org/2000/svg"
                    viewBox=format!("0 0 {WIDTH} {height}")
                    width=WIDTH
                    height=height
                    role="img"
                    aria-labelledby=labelled_by
                >
                    <title id=title_id>{title}</title>
                    <desc id=desc_id>{description}</desc>
                    <rect x="0" y="0" width=WIDTH height=height fill="#ffffff" />
                    {children()}
                </svg>
            </div>
            <ChartTools svg=svg_ref name=id.clone() />
            <Fold class="chart-table" summary="Visa som tabell" keep=format!("{id}-tabell")>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{headers.0.clone()}</th>
                            <th scope="col" class="num">{headers.1.clone()}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .iter()
                            .cloned()
                            .map(|(a, b)| {
                                view! {
                                    <tr>
                                        <th scope="row">{a}</th>
                                        <td class="num">{b}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </Fold>
        </figure>
    }
}

/// Buttons that save a chart as SVG or PNG.
#[component]
fn ChartTools(svg: NodeRef<leptos::svg::Svg>, name: String) -> impl IntoView {
    let file = format!("KPB – {name}");
    let file2 = file.clone();
    view! {
        <div class="chart-tools">
            <button
                class="small secondary"
                on:click=move |_| {
                    if let Some(el) = svg.get() {
                        download::save_svg(&el.into(), &file);
                    }
                }
            >
                "Spara som SVG"
            </button>
            <button
                class="small secondary"
                on:click=move |_| {
                    if let Some(el) = svg.get() {
                        download::save_png(&el.into(), &file2);
                    }
                }
            >
                "Spara som PNG"
            </button>
        </div>
    }
}
