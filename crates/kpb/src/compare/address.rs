//! Kolada addresses for the values to compare with, and finding municipalities and groups by
//! name in the shipped lists (`reference`). Kolada's v3 API takes at most 25 comma-separated ids
//! in one part (path segment) of an address, so a longer choice becomes several addresses. Only
//! KPIs Kolada publishes today go into an address: the historical KPB U-KPIs and ended KPIs are
//! left out, since Kolada answers nothing for them.

use crate::reference;

/// The most ids Kolada takes in one part of an address.
pub const MAX_IDS: usize = 25;

/// Where Kolada's v3 data answers are.
pub const DATA_BASE: &str = "https://api.kolada.se/v3/data";

/// The addresses of Kolada's values for the KPIs, areas (municipalities `0180`, groups `G…`) and
/// years: `…/v3/data/kpi/{kpis}/municipality/{areas}/year/{years}`, one for every combination of
/// the chunks of at most [`MAX_IDS`] KPIs, areas and years. KPIs Kolada does not publish are
/// left out, areas that are not ids are left out, and repeated ids are taken once (in the order
/// first given; years ascending). Empty when no KPI, area or year is left.
pub fn kolada_addresses(kpis: &[&str], areas: &[&str], years: &[i32]) -> Vec<String> {
    let kpis = unique(kpis.iter().map(|k| k.trim()).filter(|k| reference::is_published(k)));
    let areas = unique(areas.iter().map(|a| a.trim()).filter(|a| is_area_id(a)));
    let mut years = years.to_vec();
    years.sort_unstable();
    years.dedup();
    let years: Vec<String> = years.iter().map(i32::to_string).collect();
    let mut out = Vec::new();
    for k in kpis.chunks(MAX_IDS) {
        for a in areas.chunks(MAX_IDS) {
            for y in years.chunks(MAX_IDS) {
                out.push(format!("{DATA_BASE}/kpi/{}/municipality/{}/year/{}", k.join(","), a.join(","), y.join(",")));
            }
        }
    }
    out
}

/// Whether a text has the shape of a Kolada area id: four digits, or `G` and digits.
pub fn is_area_id(id: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (id.len() == 4 && digits(id)) || id.strip_prefix('G').is_some_and(digits)
}

fn unique<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    out
}

/// The member municipalities of a Kolada group (empty for an unknown id).
pub fn group_members(id: &str) -> Vec<&'static str> {
    reference::group(id).map(|g| g.members.clone()).unwrap_or_default()
}

/// A municipality, region or group found by [`find_areas`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaMatch {
    pub id: &'static str,
    pub title: &'static str,
    pub is_group: bool,
    /// A kommun (not a region, Riket or a group).
    pub is_kommun: bool,
    /// The number of member municipalities of a group (0 otherwise).
    pub members: usize,
}

/// The municipalities, regions and groups whose title (case-insensitively) or id contains the
/// query: municipalities first, then groups; within each, an exact title first, then titles
/// starting with the query, then the rest, in the list's order. Empty for an empty query.
pub fn find_areas(query: &str) -> Vec<AreaMatch> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut groups: Vec<_> = reference::groups()
        .filter_map(|g| {
            rank(&q, g.id, g.title).map(|r| {
                (r, AreaMatch { id: g.id, title: g.title, is_group: true, is_kommun: false, members: g.members.len() })
            })
        })
        .collect();
    // A stable sort keeps the list's order within a rank.
    groups.sort_by_key(|(r, _)| *r);
    find_municipalities(&q).into_iter().chain(groups.into_iter().map(|(_, a)| a)).collect()
}

/// The municipalities and regions matching a trimmed, lower-case query, best first.
fn find_municipalities(q: &str) -> Vec<AreaMatch> {
    if q.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<_> = reference::municipalities()
        .filter_map(|m| {
            rank(q, m.id, m.title).map(|r| {
                (r, AreaMatch { id: m.id, title: m.title, is_group: false, is_kommun: m.is_kommun, members: 0 })
            })
        })
        .collect();
    found.sort_by_key(|(r, _)| *r);
    found.into_iter().map(|(_, a)| a).collect()
}

/// The kommuner (not regions, Riket or groups) matching the query, as in [`find_areas`].
pub fn find_kommuner(query: &str) -> Vec<AreaMatch> {
    find_municipalities(&query.trim().to_lowercase()).into_iter().filter(|a| a.is_kommun).collect()
}

/// The kommun whose title is the text (case-insensitively, surrounding spaces ignored), or whose
/// id it is (a code shorter than four digits padded: `180` → `0180`).
pub fn kommun_named(text: &str) -> Option<reference::Municipality> {
    let t = text.trim();
    let code = if !t.is_empty() && t.len() < 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        format!("{t:0>4}")
    } else {
        t.to_owned()
    };
    let lower = t.to_lowercase();
    reference::municipalities().filter(|m| m.is_kommun).find(|m| m.id == code || m.title.to_lowercase() == lower)
}

/// The title of a municipality, region or group.
pub fn area_title(id: &str) -> Option<&'static str> {
    if id.starts_with('G') {
        reference::group(id).map(|g| g.title)
    } else {
        reference::municipality(id).map(|m| m.title)
    }
}

/// 0: the title is the query; 1: the title or id starts with it; 2: contains it; None: no match.
fn rank(query: &str, id: &str, title: &str) -> Option<u8> {
    let t = title.to_lowercase();
    let i = id.to_lowercase();
    if t == query || i == query {
        Some(0)
    } else if t.starts_with(query) || i.starts_with(query) {
        Some(1)
    } else if t.contains(query) {
        Some(2)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: &str = "https://api.kolada.se/v3/data";

    #[test]
    fn one_address_for_a_short_choice() {
        assert_eq!(
            kolada_addresses(&["N21006", "N23009"], &["1480", "0180", "G114418"], &[2025, 2023, 2024]),
            vec![format!("{V3}/kpi/N21006,N23009/municipality/1480,0180,G114418/year/2023,2024,2025")]
        );
    }

    #[test]
    fn thirty_municipalities_make_two_addresses_of_25_and_5() {
        let areas: Vec<String> = (1..=30).map(|i| format!("{:04}", 100 + i)).collect();
        let areas: Vec<&str> = areas.iter().map(String::as_str).collect();
        assert_eq!(
            kolada_addresses(&["N21006"], &areas, &[2025]),
            vec![
                format!(
                    "{V3}/kpi/N21006/municipality/0101,0102,0103,0104,0105,0106,0107,0108,0109,0110,0111,0112,0113,0114,0115,0116,0117,0118,0119,0120,0121,0122,0123,0124,0125/year/2025"
                ),
                format!("{V3}/kpi/N21006/municipality/0126,0127,0128,0129,0130/year/2025"),
            ]
        );
    }

    #[test]
    fn kpi_and_area_chunks_make_a_cartesian_product() {
        // 26 published KPIs of the catalogue and 26 areas: 2 × 2 addresses.
        let kpis: Vec<&str> =
            reference::catalogue().filter(|k| k.publ_period.is_some()).map(|k| k.id).take(26).collect();
        assert_eq!(kpis.len(), 26);
        let areas: Vec<String> = (0..26).map(|i| format!("{:04}", 1400 + i)).collect();
        let areas: Vec<&str> = areas.iter().map(String::as_str).collect();
        let got = kolada_addresses(&kpis, &areas, &[2024, 2025]);
        let (k1, k2) = (kpis[..25].join(","), kpis[25]);
        let (a1, a2) = (areas[..25].join(","), areas[25]);
        assert_eq!(
            got,
            vec![
                format!("{V3}/kpi/{k1}/municipality/{a1}/year/2024,2025"),
                format!("{V3}/kpi/{k1}/municipality/{a2}/year/2024,2025"),
                format!("{V3}/kpi/{k2}/municipality/{a1}/year/2024,2025"),
                format!("{V3}/kpi/{k2}/municipality/{a2}/year/2024,2025"),
            ]
        );
        for url in &got {
            let parts: Vec<&str> = url.trim_start_matches("https://").split('/').collect();
            assert!(parts.iter().all(|p| p.split(',').count() <= MAX_IDS), "{url}");
        }
    }

    #[test]
    fn u_kpis_and_ended_kpis_are_never_put_in_an_address() {
        let ended = reference::catalogue().find(|k| k.publ_period.is_none()).expect("an ended KPI").id;
        assert_eq!(
            kolada_addresses(&["U21003", "N21006", ended, "U23004", "N28013"], &["0180"], &[2025]),
            vec![format!("{V3}/kpi/N21006,N28013/municipality/0180/year/2025")]
        );
        // Only U-KPIs: nothing to ask Kolada for.
        assert!(kolada_addresses(&["U21003", "U23004"], &["0180"], &[2025]).is_empty());
    }

    #[test]
    fn areas_kpis_and_years_are_taken_once() {
        assert_eq!(
            kolada_addresses(&["N21006", "N21006"], &["1480", "0180", "1480", " 0180", "Göteborg", ""], &[2025, 2025]),
            vec![format!("{V3}/kpi/N21006/municipality/1480,0180/year/2025")]
        );
    }

    #[test]
    fn nothing_without_kpis_areas_or_years() {
        assert!(kolada_addresses(&[], &["0180"], &[2025]).is_empty());
        assert!(kolada_addresses(&["N21006"], &[], &[2025]).is_empty());
        assert!(kolada_addresses(&["N21006"], &["0180"], &[]).is_empty());
    }

    #[test]
    fn every_reproduced_kpi_is_published() {
        let all = kolada_addresses(&reference::REPRODUCED, &["0180"], &[2025]);
        assert_eq!(all, vec![format!("{V3}/kpi/{}/municipality/0180/year/2025", reference::REPRODUCED.join(","))]);
    }

    #[test]
    fn a_group_as_its_members_or_as_itself() {
        assert_eq!(group_members("G114418"), vec!["0682", "1499", "1885", "2081"]);
        assert!(group_members("G0").is_empty());
        let members = group_members("G114418");
        let mut areas = vec!["1480"];
        areas.extend(&members);
        areas.push("G114418");
        assert_eq!(
            kolada_addresses(&["N23009"], &areas, &[2024, 2025]),
            vec![format!("{V3}/kpi/N23009/municipality/1480,0682,1499,1885,2081,G114418/year/2024,2025")]
        );
    }

    #[test]
    fn a_big_group_as_members_is_split() {
        // Pendlingskommun nära större stad: 63 members → 25 + 25 + 13.
        let members = group_members("G92792");
        assert_eq!(members.len(), 63);
        assert_eq!(
            kolada_addresses(&["N21006"], &members, &[2025]),
            vec![
                format!(
                    "{V3}/kpi/N21006/municipality/0140,0319,0330,0331,0360,0381,0461,0486,0488,0513,0561,0563,0582,0586,0604,0642,0643,0665,0761,0764,0834,0840,1083,1214,1256/year/2025"
                ),
                format!(
                    "{V3}/kpi/N21006/municipality/1257,1260,1265,1266,1272,1275,1276,1277,1282,1284,1285,1292,1381,1444,1463,1465,1466,1487,1715,1761,1763,1764,1814,1861,1881/year/2025"
                ),
                format!(
                    "{V3}/kpi/N21006/municipality/1884,1907,1961,1981,2026,2082,2101,2262,2309,2401,2403,2409,2460/year/2025"
                ),
            ]
        );
    }

    #[test]
    fn finds_municipalities_before_groups() {
        let found = find_areas("göteborg");
        assert_eq!(found[0].id, "1480");
        assert_eq!(found[0].title, "Göteborg");
        assert!(!found[0].is_group && found[0].is_kommun);
        assert!(found.iter().skip_while(|a| !a.is_group).all(|a| a.is_group), "municipalities first");
        assert!(found.iter().any(|a| a.is_group));

        let fyra = find_areas("FYRKOMMUNS");
        assert_eq!(fyra.len(), 1);
        assert_eq!(
            fyra[0],
            AreaMatch {
                id: "G114418",
                title: "Fyrkommunsnätverket (ovägt medel)",
                is_group: true,
                is_kommun: false,
                members: 4
            }
        );

        // An exact title before titles that start with it, then titles that contain it.
        let pendling = find_areas("Pendlingskommun nära större stad (ovägt medel)");
        assert_eq!(pendling[0].id, "G92792");
        let lund = find_areas("lund");
        assert_eq!(lund[0].title, "Lund");
        assert!(find_areas("  ").is_empty());
        assert_eq!(find_areas("1480")[0].title, "Göteborg");
        assert_eq!(find_areas("g114418")[0].id, "G114418");
    }

    #[test]
    fn kommuner_only_for_the_own_municipality() {
        assert!(find_kommuner("region").is_empty());
        assert_eq!(find_kommuner("Stockholm")[0].id, "0180");
        assert_eq!(kommun_named(" göteborg ").map(|m| m.id), Some("1480"));
        assert_eq!(kommun_named("180").map(|m| m.title), Some("Stockholm"));
        assert_eq!(kommun_named("0180").map(|m| m.title), Some("Stockholm"));
        assert_eq!(kommun_named("Region Stockholm"), None);
        assert_eq!(kommun_named("0001"), None);
        assert_eq!(kommun_named("Göte"), None);
    }

    #[test]
    fn titles_of_municipalities_and_groups() {
        assert_eq!(area_title("0180"), Some("Stockholm"));
        assert_eq!(area_title("G114418"), Some("Fyrkommunsnätverket (ovägt medel)"));
        assert_eq!(area_title("9999"), None);
    }

    #[test]
    fn area_ids() {
        for ok in ["0180", "G114418", "G1"] {
            assert!(is_area_id(ok), "{ok}");
        }
        for bad in ["180", "01800", "G", "Gx", "abcd", ""] {
            assert!(!is_area_id(bad), "{bad}");
        }
    }
}
