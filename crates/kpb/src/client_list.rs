//! The lists of brukare the page shows a page at a time: every brukare with a cost, and the
//! ytterfall. The report holds every client; the page asks for one page (a search, an order, a
//! page number) and gets [`PAGE`] rows and the counts, so that tens of thousands of clients
//! never cross to the page.

use crate::model::{Boendeform, Insats, Scope};
use crate::report::{ClientCost, Report};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How many rows a page of a list of brukare has.
pub const PAGE: usize = 25;

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientList {
    /// Every brukare with a cost over zero, with the year's cost.
    WithCost,
    /// The ytterfall of one area, or of every area (a brukare once per area), with the cost in
    /// the area.
    Ytterfall(Option<Scope>),
}

/// What a list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClientSort {
    Id,
    Scope,
    Age,
    Kon,
    Boendeform,
    Cost,
}

/// One page of a list, as the page asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientQuery {
    pub list: ClientList,
    /// Part of a pseudonym, insats, enhet or boendeform, in any case; empty for all.
    pub search: String,
    pub sort: ClientSort,
    pub descending: bool,
    /// From 0; a page past the last gives the last.
    pub page: usize,
}

/// One row of a list: the client, the area it is listed for (ytterfall), its cost there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRow {
    pub scope: Option<Scope>,
    pub cost: Decimal,
    pub client: ClientCost,
}

/// The answer to a [`ClientQuery`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientPage {
    /// The page's rows, at most [`PAGE`].
    pub rows: Vec<ClientRow>,
    /// The page given (the last, when the one asked for is past it).
    pub page: usize,
    /// Rows the search found, and rows in the list.
    pub found: usize,
    pub of: usize,
}

impl ClientPage {
    /// How many pages the rows found fill (one when there are none).
    pub fn pages(&self) -> usize {
        pages(self.found)
    }
}

/// How many pages `rows` fill (one when there are none).
fn pages(rows: usize) -> usize {
    rows.div_ceil(PAGE).max(1)
}

impl Report {
    /// One page of a list of brukare. Ties in the order chosen go by cost, dearest first, then
    /// by pseudonym (then area): the same order every time.
    pub fn client_page(&self, query: &ClientQuery) -> ClientPage {
        let rows = self.list_rows(query.list);
        let of = rows.len();
        let search = Search::new(&query.search);
        let mut found: Vec<(Option<Scope>, Decimal, &ClientCost)> =
            rows.into_iter().filter(|(_, _, c)| search.matches(c)).collect();
        let order = |a: &(Option<Scope>, Decimal, &ClientCost), b: &(Option<Scope>, Decimal, &ClientCost)| {
            let by = match query.sort {
                ClientSort::Id => a.2.id.cmp(&b.2.id),
                ClientSort::Scope => a.0.cmp(&b.0),
                ClientSort::Age => a.2.age.cmp(&b.2.age),
                ClientSort::Kon => a.2.kon.map(|k| k.kolada()).cmp(&b.2.kon.map(|k| k.kolada())),
                ClientSort::Boendeform => a.2.boendeform.name().cmp(b.2.boendeform.name()),
                ClientSort::Cost => a.1.cmp(&b.1),
            };
            let by = if query.descending { by.reverse() } else { by };
            by.then_with(|| b.1.cmp(&a.1)).then_with(|| a.2.id.cmp(&b.2.id)).then_with(|| a.0.cmp(&b.0))
        };
        let found_count = found.len();
        let page = query.page.min(pages(found_count) - 1);
        let end = ((page + 1) * PAGE).min(found_count);
        // Only the rows up to the page's end need their order.
        if end < found_count {
            found.select_nth_unstable_by(end, order);
            found.truncate(end);
        }
        found.sort_by(order);
        let rows = found
            .into_iter()
            .skip(page * PAGE)
            .map(|(scope, cost, c)| ClientRow { scope, cost, client: c.clone() })
            .collect();
        ClientPage { rows, page, found: found_count, of }
    }

    /// A list's rows, unsorted: (area, cost in it, client).
    fn list_rows(&self, list: ClientList) -> Vec<(Option<Scope>, Decimal, &ClientCost)> {
        match list {
            ClientList::WithCost => {
                self.clients.iter().filter(|c| c.total > Decimal::ZERO).map(|c| (None, c.total, c)).collect()
            }
            ClientList::Ytterfall(scope) => self
                .ytterfall_clients(scope)
                .into_iter()
                .map(|(y, c)| (Some(y.scope), c.in_scope(y.scope), c))
                .collect(),
        }
    }
}

/// A search of a list: part of a pseudonym, insats, enhet or boendeform, in any case.
struct Search {
    /// In lower case; empty finds every client.
    needle: String,
    /// The insatser and boendeformer whose names contain it (as bits: [`Insats::bit`], and
    /// bit `Boendeform as u8`), told once, not per client.
    insatser: u32,
    boendeformer: u8,
}

impl Search {
    fn new(text: &str) -> Search {
        let needle = text.trim().to_lowercase();
        let has = |name: &str| name.to_lowercase().contains(&needle);
        Search {
            insatser: Insats::all().filter(|i| has(i.name())).fold(0, |b, i| b | i.bit()),
            boendeformer: Boendeform::ALL.into_iter().filter(|b| has(b.name())).fold(0, |m, b| m | 1 << b as u8),
            needle,
        }
    }

    fn matches(&self, c: &ClientCost) -> bool {
        self.needle.is_empty()
            || self.boendeformer & (1 << c.boendeform as u8) != 0
            || self.contained_in(&c.id)
            || c.lines.iter().any(|l| self.insatser & l.insats.bit() != 0 || self.contained_in(&l.enhet))
    }

    /// Whether `text` contains the needle, in any case (without a lower-case copy of an ASCII
    /// text, which pseudonyms and enhet codes mostly are).
    fn contained_in(&self, text: &str) -> bool {
        let needle = self.needle.as_bytes();
        if text.is_ascii() {
            needle.is_ascii() && text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
        } else {
            text.to_lowercase().contains(&self.needle)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kon, Regi};
    use crate::report::{ClientLine, Ytterfall};

    fn line(insats: Insats, enhet: &str, cost: i64) -> ClientLine {
        ClientLine {
            insats,
            enhet: enhet.into(),
            regi: Regi::Egen,
            volume: Decimal::ONE,
            cost: cost.into(),
            assistansersattning: Decimal::ZERO,
            booked: Decimal::ZERO,
            beviljad: Decimal::ZERO,
            utford: Decimal::ZERO,
        }
    }

    fn client(id: &str, age: u32, boendeform: Boendeform, lines: Vec<ClientLine>) -> ClientCost {
        ClientCost {
            id: id.into(),
            age: Some(age),
            age_group: None,
            kon: Some(Kon::Kvinna),
            boendeform,
            total: lines.iter().map(|l| l.cost).sum(),
            assistansersattning: Decimal::ZERO,
            lines,
        }
    }

    fn ytterfall(scope: Scope, list: &[&str]) -> Ytterfall {
        Ytterfall {
            scope,
            kolada: None,
            threshold: Decimal::ZERO,
            clients: 0,
            count: list.len() as u32,
            share: None,
            cost: Decimal::ZERO,
            total_cost: Decimal::ZERO,
            list: list.iter().map(|id| id.to_string()).collect(),
        }
    }

    /// 60 clients "K01"… with costs 1 000, 2 000 … 60 000 kr in hemtjänst at enhet "Norr" or
    /// "Söder"; "K07" also has 500 kr in a gruppbostad; "K00" has no cost.
    fn report() -> Report {
        let mut clients: Vec<ClientCost> = (1..=60)
            .map(|i| {
                let enhet = if i % 2 == 0 { "Norr" } else { "Söder" };
                let mut lines = vec![line(Insats::Hemtjanst, enhet, 1000 * i)];
                if i == 7 {
                    lines.push(line(Insats::Gruppbostad, "Villan", 500));
                }
                client(&format!("K{i:02}"), 60 + (i as u32 % 5), Boendeform::Ordinart, lines)
            })
            .collect();
        clients.push(client("K00", 90, Boendeform::Sarskilt, vec![]));
        clients.sort_by(|a, b| b.total.cmp(&a.total));
        Report {
            clients,
            ytterfall: vec![ytterfall(Scope::Ordinart, &["K60", "K59", "K07"]), ytterfall(Scope::Lss, &["K07"])],
            ..Report::default()
        }
    }

    fn query(list: ClientList, search: &str, sort: ClientSort, descending: bool, page: usize) -> ClientQuery {
        ClientQuery { list, search: search.into(), sort, descending, page }
    }

    fn ids(page: &ClientPage) -> Vec<&str> {
        page.rows.iter().map(|r| r.client.id.as_str()).collect()
    }

    #[test]
    fn the_list_of_clients_with_cost_comes_a_page_at_a_time_dearest_first() {
        let report = report();
        let first = report.client_page(&query(ClientList::WithCost, "", ClientSort::Cost, true, 0));
        assert_eq!((first.found, first.of, first.page, first.pages()), (60, 60, 0, 3));
        assert_eq!(first.rows.len(), 25);
        assert_eq!(ids(&first)[..3], ["K60", "K59", "K58"]);
        assert_eq!(first.rows[0].cost, Decimal::from(60_000));
        let last = report.client_page(&query(ClientList::WithCost, "", ClientSort::Cost, true, 2));
        assert_eq!(ids(&last), ["K10", "K09", "K08", "K07", "K06", "K05", "K04", "K03", "K02", "K01"]);
        // A page past the last is the last.
        assert_eq!(report.client_page(&query(ClientList::WithCost, "", ClientSort::Cost, true, 9)), last);
        let cheapest = report.client_page(&query(ClientList::WithCost, "", ClientSort::Cost, false, 0));
        assert_eq!(ids(&cheapest)[..2], ["K01", "K02"]);
    }

    #[test]
    fn ties_in_the_order_chosen_go_dearest_first() {
        let report = report();
        // Ages 60–64: the oldest (64) are K04, K09, …, K59; dearest first among them.
        let page = report.client_page(&query(ClientList::WithCost, "", ClientSort::Age, true, 0));
        assert_eq!(ids(&page)[..4], ["K59", "K54", "K49", "K44"]);
        let page = report.client_page(&query(ClientList::WithCost, "", ClientSort::Id, false, 0));
        assert_eq!(ids(&page)[..2], ["K01", "K02"]);
    }

    #[test]
    fn a_search_finds_pseudonyms_insatser_and_enheter_in_any_case() {
        let report = report();
        let page = report.client_page(&query(ClientList::WithCost, "k0", ClientSort::Cost, true, 0));
        assert_eq!((page.found, page.of), (9, 60));
        let page = report.client_page(&query(ClientList::WithCost, " GRUPPBOSTAD ", ClientSort::Cost, true, 0));
        assert_eq!(ids(&page), ["K07"]);
        let page = report.client_page(&query(ClientList::WithCost, "söder", ClientSort::Cost, true, 0));
        assert_eq!(page.found, 30);
        let page = report.client_page(&query(ClientList::WithCost, "K0", ClientSort::Cost, true, 0));
        assert_eq!(page.found, 9);
        let page = report.client_page(&query(ClientList::WithCost, "ORDINÄRT", ClientSort::Cost, true, 0));
        assert_eq!(page.found, 60);
        let page = report.client_page(&query(ClientList::WithCost, "vill", ClientSort::Cost, true, 0));
        assert_eq!(ids(&page), ["K07"]);
        let page = report.client_page(&query(ClientList::WithCost, "ingen", ClientSort::Cost, true, 3));
        assert_eq!((page.found, page.page, page.pages(), page.rows.len()), (0, 0, 1, 0));
    }

    #[test]
    fn ytterfall_are_listed_once_per_area_with_the_cost_in_the_area() {
        let report = report();
        let all = report.client_page(&query(ClientList::Ytterfall(None), "", ClientSort::Cost, true, 0));
        let rows: Vec<(&str, Option<Scope>, Decimal)> =
            all.rows.iter().map(|r| (r.client.id.as_str(), r.scope, r.cost)).collect();
        assert_eq!(
            rows,
            [
                ("K60", Some(Scope::Ordinart), Decimal::from(60_000)),
                ("K59", Some(Scope::Ordinart), Decimal::from(59_000)),
                ("K07", Some(Scope::Ordinart), Decimal::from(7_000)),
                ("K07", Some(Scope::Lss), Decimal::from(500)),
            ]
        );
        let lss = report.client_page(&query(ClientList::Ytterfall(Some(Scope::Lss)), "", ClientSort::Cost, true, 0));
        assert_eq!((ids(&lss), lss.of), (vec!["K07"], 1));
        let by_area = report.client_page(&query(ClientList::Ytterfall(None), "", ClientSort::Scope, true, 0));
        assert_eq!(by_area.rows[0].scope, Some(Scope::Lss));
    }
}
